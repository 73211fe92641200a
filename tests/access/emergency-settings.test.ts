/** The LOB form's emergency access settings (issue 27): parsed and refused with a message naming the field. */
import { describe, expect, it } from 'vitest';
import { emptyLobFormValues, parseLobFormValues } from '@/lib/admin/lob-form';
import { reshapeLobItem } from '@/lib/directory/items';

const base = {
  ...emptyLobFormValues('us-east-1'),
  lob: 'lob-c',
  displayName: 'Line of Business C',
  accountId: '333333333333',
  domainId: 'd-lobc1example',
};

describe('LOB settings "Emergency access group" and "Emergency access duration (hours)"', () => {
  it('defaults to no group (not allowed) and 4 hours', () => {
    const parsed = parseLobFormValues(base);
    if (!parsed.success) throw new Error(JSON.stringify(parsed.fieldErrors));
    expect(parsed.input.emergencyGroup).toBeUndefined();
    expect(reshapeLobItem({ lob: 'lob-c' }).emergencyHours).toBe(4);
    expect(base.emergencyHours).toBe('4');
  });

  it('keeps a group and hours up to 12', () => {
    const parsed = parseLobFormValues({ ...base, emergencyGroup: ' lob-c-oncall ', emergencyHours: '12' });
    if (!parsed.success) throw new Error(JSON.stringify(parsed.fieldErrors));
    expect(parsed.input).toMatchObject({ emergencyGroup: 'lob-c-oncall', emergencyHours: 12 });
  });

  it.each([
    ['13', 'Emergency access duration: at most 12 hours.'],
    ['0', 'Emergency access duration: at least 1 hour.'],
    ['2.5', 'Emergency access duration: use whole hours.'],
    ['four', 'Emergency access duration: enter a whole number of hours.'],
  ])('refuses %s hours with a clear error', (hours, message) => {
    const parsed = parseLobFormValues({ ...base, emergencyGroup: 'lob-c-oncall', emergencyHours: hours });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(parsed.fieldErrors.emergencyHours).toBe(message);
  });

  it('refuses a group name with a space', () => {
    const parsed = parseLobFormValues({ ...base, emergencyGroup: 'lob c oncall' });
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(parsed.fieldErrors.emergencyGroup).toBe(
        'Emergency access group: a group name has no spaces or control characters.',
      );
  });
});
