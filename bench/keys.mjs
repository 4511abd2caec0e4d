// API keys for bench processes, in the format the product accepts (libs/domain api-key-format checks it, so a
// mismatch fails loudly at boot).
import crypto from 'node:crypto';

const B62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function base62(buf, n) {
  let x = BigInt(`0x${buf.toString('hex')}`);
  let s = '';
  for (let i = 0; i < n; i++) {
    s = B62[Number(x % 62n)] + s;
    x /= 62n;
  }
  return s;
}

export function generateKey() {
  const body = `kdv_live_${base62(crypto.randomBytes(20), 24)}`;
  return body + base62(crypto.createHash('sha256').update(body).digest(), 6);
}
