/** The connectedMetaId unique index refused a write: another row (of any organization) holds the Meta number. */
export class MetaNumberTakenError extends Error {
  constructor(readonly metaPhoneNumberId?: string) {
    super('This Meta phone number is already connected');
  }
}
