import pg from 'pg';

const NAME_OID = 19;
const TEXT_OID = 25;

/**
 * Prisma 6.19's WebAssembly schema engine reads catalogue columns of PostgreSQL's `name`
 * type, which @prisma/adapter-pg refuses ("Column type 'name' could not be deserialized").
 * `name` is text on the wire, so this pool reports it as text. Used for migrations only.
 */
function patch(r: pg.QueryResult | undefined): void {
  for (const field of r?.fields ?? []) if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
}

class MigrationClient extends pg.Client {
  // pg.Client.query has many overloads (promise and callback forms); both are patched.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override query(...args: any[]): any {
    const last: unknown = args[args.length - 1];
    if (typeof last === 'function') {
      const callback = last as (err: Error | null, r?: pg.QueryResult) => void;
      args[args.length - 1] = (err: Error | null, r?: pg.QueryResult) => {
        patch(r);
        callback(err, r);
      };
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as (...a: any[]) => unknown)(...args);
    if (result instanceof Promise) return result.then((r: pg.QueryResult) => (patch(r), r));
    return result;
  }
}

export function migrationPool(connectionString: string): pg.Pool {
  return new pg.Pool({ connectionString, Client: MigrationClient });
}
