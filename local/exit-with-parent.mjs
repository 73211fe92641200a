// Preloaded (node --import) into processes that local/stack.ts spawns with an IPC channel:
// when the spawning process goes away (even by SIGKILL), the channel closes and this one exits too.
if (process.channel) {
  process.on('disconnect', () => process.exit(0));
}
