import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import {
  PhoneConfigurationSchema,
  PhoneConfigurationState,
  PhoneDeviceKind,
  VoicemailGreeting,
  type CallForwarding,
  type PhoneConfiguration,
  type PhoneDevices,
  type Voicemail,
} from '@acme/contracts';
import type { PhoneConfigurationRecord, PhoneSettings } from '@acme/licensing-data-access';
import type { RequestProblems } from './validation.js';

const DEVICE_KINDS: Record<PhoneSettings['devices'][number]['kind'], PhoneDeviceKind> = {
  desk_phone: PhoneDeviceKind.DESK_PHONE,
  softphone: PhoneDeviceKind.SOFTPHONE,
  mobile: PhoneDeviceKind.MOBILE,
};
const GREETINGS: Record<PhoneSettings['voicemail']['greeting'], VoicemailGreeting> = {
  default: VoicemailGreeting.DEFAULT,
  custom: VoicemailGreeting.CUSTOM,
};
const reverse = <K extends string, V>(map: Record<K, V>) => new Map(Object.entries(map).map(([k, v]) => [v, k as K]));
const KIND_OF = reverse(DEVICE_KINDS);
const GREETING_OF = reverse(GREETINGS);

/** Extensions are digits (FIELD_LIMITS.extension, their column); numbers E.164: a +, then up to 15 digits, the first not 0. */
const EXTENSION = /^[0-9]{2,6}$/;
const E164 = /^\+[1-9][0-9]{6,14}$/;
const MAX_DEVICES = 10;

export function toPhoneConfiguration(config: PhoneConfigurationRecord): PhoneConfiguration {
  const { extension, callerIdNumber, devices, forwarding, voicemail } = config.settings;
  return create(PhoneConfigurationSchema, {
    userId: config.userId,
    productId: config.productId,
    extension,
    callerIdNumber,
    devices: { devices: devices.map((d) => ({ kind: DEVICE_KINDS[d.kind], label: d.label })) },
    forwarding,
    voicemail: { ...voicemail, greeting: GREETINGS[voicemail.greeting] },
    features: config.features,
    state: config.retainedUntil ? PhoneConfigurationState.RETAINED : PhoneConfigurationState.ACTIVE,
    ...(config.retainedUntil ? { purgeTime: timestampFromDate(config.retainedUntil) } : {}),
  });
}

/** The parts of a phone an update request sets, checked field by field (every problem reported). */
export function phoneChanges(
  problems: RequestProblems,
  request: {
    extension?: string;
    callerIdNumber?: string;
    devices?: PhoneDevices;
    forwarding?: CallForwarding;
    voicemail?: Voicemail;
  },
): Partial<PhoneSettings> {
  const changes: Partial<PhoneSettings> = {};
  if (request.extension !== undefined) {
    if (request.extension !== '' && !EXTENSION.test(request.extension))
      problems.add('extension', 'must be 2 to 6 digits, or empty to clear it');
    changes.extension = request.extension;
  }
  if (request.callerIdNumber !== undefined) {
    if (request.callerIdNumber !== '' && !E164.test(request.callerIdNumber))
      problems.add('caller_id_number', 'must be an E.164 number such as +4930123456, or empty to clear it');
    changes.callerIdNumber = request.callerIdNumber;
  }
  if (request.devices) {
    const devices = request.devices.devices;
    if (devices.length > MAX_DEVICES) problems.add('devices.devices', `at most ${MAX_DEVICES} devices`);
    changes.devices = devices.slice(0, MAX_DEVICES).map((d, i) => {
      const kind = KIND_OF.get(d.kind);
      if (!kind) problems.add(`devices.devices[${i}].kind`, 'required: DESK_PHONE, SOFTPHONE or MOBILE');
      problems.text(`devices.devices[${i}].label`, d.label, 'deviceLabel');
      return { kind: kind ?? 'softphone', label: d.label.trim() };
    });
  }
  if (request.forwarding) {
    const { enabled, toNumber, afterRings } = request.forwarding;
    if (toNumber !== '' && !E164.test(toNumber))
      problems.add('forwarding.to_number', 'must be an E.164 number such as +4930123456');
    if (enabled && toNumber === '') problems.add('forwarding.to_number', 'required when forwarding is enabled');
    if (afterRings < 1 || afterRings > 10) problems.add('forwarding.after_rings', 'must be 1 to 10');
    changes.forwarding = { enabled, toNumber, afterRings };
  }
  if (request.voicemail) {
    const greeting = GREETING_OF.get(request.voicemail.greeting);
    if (!greeting) problems.add('voicemail.greeting', 'required: DEFAULT or CUSTOM');
    const { enabled, transcription } = request.voicemail;
    changes.voicemail = { enabled, transcription, greeting: greeting ?? 'default' };
  }
  if (Object.keys(changes).length === 0)
    problems.add(
      'extension',
      'nothing to change: set at least one of extension, caller_id_number, devices, forwarding, voicemail',
    );
  return changes;
}
