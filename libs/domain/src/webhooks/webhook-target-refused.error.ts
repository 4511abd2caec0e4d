/** A webhook URL (or a redirect target) that must not be called; `unresolvable` is the only transient reason. */
export class WebhookTargetRefused extends Error {
  override readonly name = 'WebhookTargetRefused';

  constructor(
    readonly reason: 'invalid' | 'scheme' | 'credentials' | 'address' | 'unresolvable',
    message: string,
  ) {
    super(message);
  }
}
