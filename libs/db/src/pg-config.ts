/** A pg pool config from a postgres URL (keeps query parameters such as sslmode out of the adapter's way). */
export function pgConfigFromUrl(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 5432,
    user: decodeURIComponent(u.username || 'postgres'),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1) || 'postgres'),
    ssl: ['require', 'verify-full', 'verify-ca'].includes(u.searchParams.get('sslmode') ?? '') ? true : undefined,
  };
}
