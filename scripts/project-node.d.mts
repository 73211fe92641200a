export function pinnedNodeMajor(root: string): number;
export function projectNodePath(root: string): string;
export function putProjectBinFirst(root: string): void;
export function runOnProjectNode(root: string, script: string, label: string): Promise<void>;
