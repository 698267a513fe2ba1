/**
 * The notification port: one way to tell a beneficiary something, whatever carries it. Adapters:
 * - the local simulator (`ANSINH_NOTIFICATIONS_URL` = its http URL): records what was sent, to whom and when;
 * - AWS SMS (`ANSINH_NOTIFICATIONS_URL` = `aws-sms`): Amazon SNS `Publish` to the phone number, transactional
 *   (SNS delivers SMS through AWS End User Messaging SMS; `@aws-sdk/client-sns` is already a dependency).
 * The APP channel (the national app / the beneficiary's own page) needs no carrier: the outbox record the
 * beneficiary page reads is the message; its adapter only acknowledges it.
 * Every message carries an idempotency key: the simulator records a key once; SNS has no such key, so the
 * outbox (outbox-store.ts) marks a message SENT with a conditional write and never sends a SENT one again.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { PLATFORM_SETTINGS } from '../shared/platform-env.js';

export interface OutgoingMessage {
  /** The event's idempotency key (`<caseId>#CASE_OPENED`, `<paymentId>#SETTLED`). */
  key: string;
  channel: 'SMS' | 'APP';
  personId: string;
  /** E.164 or 0xxxxxxxxx, SMS only. Never logged. */
  phone?: string;
  text: string;
}

export interface NotificationPort {
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
}

class HttpSimulatorPort implements NotificationPort {
  constructor(private readonly url: string) {}
  async send(message: OutgoingMessage) {
    const res = await fetch(`${this.url}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(message),
    });
    if (!res.ok) throw new Error(`notification simulator answered ${res.status}`);
    return (await res.json()) as { providerMessageId: string };
  }
}

/** `0912345678` → `+84912345678`. */
export function e164(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits;
  if (digits.startsWith('84')) return `+${digits}`;
  return `+84${digits.replace(/^0/, '')}`;
}

class AwsSmsPort implements NotificationPort {
  private client = new SNSClient({});
  async send(message: OutgoingMessage) {
    if (message.channel === 'APP' || !message.phone) return { providerMessageId: `app:${message.key}` };
    const out = await this.client.send(
      new PublishCommand({
        PhoneNumber: e164(message.phone),
        Message: message.text,
        MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
      }),
    );
    return { providerMessageId: out.MessageId ?? '' };
  }
}

let port: NotificationPort | undefined;

export function notificationPort(): NotificationPort {
  const url = process.env[PLATFORM_SETTINGS.notificationsUrl];
  if (!url) throw new Error(`Missing environment variable ${PLATFORM_SETTINGS.notificationsUrl}`);
  port ??= url === 'aws-sms' ? new AwsSmsPort() : new HttpSimulatorPort(url);
  return port;
}
