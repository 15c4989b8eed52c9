/**
 * The shared workspace (F36): documents of a project with versions. An upload is the file's
 * bytes as the request body (its name and title in the query), checked in this order, and
 * refused with nothing stored when any check fails: size (413), the type sniffed from the
 * content itself, not the declared one (415), the virus-scan hook (422). Content goes to a
 * DocumentStore under its SHA-256 (PostgreSQL by default; an object store implements the
 * same interface), the version row and the audit entry in the same transaction.
 */
import { createHash } from 'node:crypto';
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { Prisma } from '../prisma/generated/client';
import type { Db, Tx } from '../platform/db';
import { appendRoomEvent } from '../activities/timeline';
import { AppError } from './errors';
import { asyncRoute, type AppDeps } from './shared';
import { commandMeta, writeAudit } from './audit';
import { actorOf, viewerOf } from './auth/actor';
import { canReadTradeSecrets } from './auth/policy';
import { factsOf, idempotencyKey, readableProject, threadWriter } from './projects';
import { ZIdParam, ZPermitTypeId } from './schemas';

/** Where document content lives. Keys are content hashes, so a put is idempotent. */
export interface DocumentStore {
  /** Stores the bytes; `tx` lets a database-backed store write in the upload's transaction. */
  put(tx: Tx, key: string, data: Buffer): Promise<void>;
  get(key: string): Promise<Buffer | null>;
}

export function postgresDocumentStore(db: Db): DocumentStore {
  return {
    async put(tx, key, data) {
      await tx.documentBlob.upsert({ where: { key }, create: { key, data: new Uint8Array(data) }, update: {} });
    },
    async get(key) {
      const blob = await db.documentBlob.findUnique({ where: { key } });
      return blob ? Buffer.from(blob.data) : null;
    },
  };
}

/** The virus-scan hook point: production plugs in its scanner (e.g. clamd's INSTREAM). */
export interface VirusScanner {
  scan(data: Buffer, fileName: string): Promise<{ clean: true } | { clean: false; threat: string }>;
}

/**
 * The built-in scanner recognises the EICAR anti-virus test file, so the refusal path is
 * exercised end to end; it is not a virus scanner, and production configures a real one.
 */
export const testSignatureScanner: VirusScanner = {
  scan(data) {
    const eicar = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
    return Promise.resolve(
      data.includes(eicar) ? { clean: false, threat: 'EICAR-Test-File' } : ({ clean: true } as const),
    );
  },
};

export interface DocumentSettings {
  store: DocumentStore;
  scanner: VirusScanner;
  maxBytes: number;
}

/** Types the workspace takes, by what the content is (sniffed), not what the client says. */
const SNIFFED_TYPES = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
]);
/** Plain text has no signature: accepted when declared so and it is valid UTF-8 without NUL bytes. */
const TEXT_TYPES = new Set(['text/plain', 'text/csv']);

async function contentType(data: Buffer, declared: string | undefined): Promise<string | null> {
  const { fileTypeFromBuffer } = await import('file-type/core');
  const sniffed = await fileTypeFromBuffer(data);
  if (sniffed) return SNIFFED_TYPES.has(sniffed.mime) ? sniffed.mime : null;
  const base = declared?.split(';')[0]?.trim().toLowerCase();
  if (base && TEXT_TYPES.has(base) && !data.includes(0)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(data);
      return base;
    } catch {
      return null;
    }
  }
  return null;
}

/** A photo's type by its content: JPEG or PNG, null for anything else (citizen observations' photos). */
export async function sniffImage(data: Buffer): Promise<'image/jpeg' | 'image/png' | null> {
  const { fileTypeFromBuffer } = await import('file-type/core');
  const mime = (await fileTypeFromBuffer(data))?.mime;
  return mime === 'image/jpeg' || mime === 'image/png' ? mime : null;
}

const ZFileName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine(
    (name) => !/[/\\]/.test(name) && ![...name].some((c) => c.charCodeAt(0) < 0x20),
    'must be a file name without path or control characters',
  );

export const ZNewDocumentQuery = z
  .object({
    title: z.string().trim().min(1).max(200),
    fileName: ZFileName,
    permitType: ZPermitTypeId.optional(),
    secret: z.enum(['true', 'false']).optional(),
  })
  .strict();
export const ZNewVersionQuery = z.object({ fileName: ZFileName }).strict();
export const ZDocumentParam = z.object({ id: z.uuid(), documentId: z.uuid() });
export const ZVersionParam = ZDocumentParam.extend({ version: z.coerce.number().int().min(1) });

type DocumentWithVersions = Prisma.DocumentGetPayload<{ include: { versions: true } }>;

const documentOut = (projectId: string, d: DocumentWithVersions) => ({
  id: d.id,
  title: d.title,
  thread: d.permitType,
  secret: d.secret,
  createdAt: d.createdAt.toISOString(),
  versions: d.versions
    .sort((a, b) => a.version - b.version)
    .map((v) => ({
      version: v.version,
      fileName: v.fileName,
      contentType: v.contentType,
      size: v.size,
      sha256: v.sha256,
      createdAt: v.createdAt.toISOString(),
      href: `/api/projects/${projectId}/documents/${d.id}/versions/${v.version}/content`,
    })),
});

export function documentRoutes({ db, live, security }: AppDeps, settings: DocumentSettings): Router {
  const router = Router();
  const body = express.raw({ type: () => true, limit: settings.maxBytes });

  /** The uploaded bytes, checked: 400 empty, 415 type, 422 virus. Nothing is stored here. */
  async function checkedUpload(req: Request, fileName: string) {
    const data = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (data.length === 0) throw new AppError('VALIDATION', 'The file is empty', { field: 'body' });
    const type = await contentType(data, req.get('content-type'));
    if (!type) {
      throw new AppError(
        'UNSUPPORTED_MEDIA_TYPE',
        'Accepted: PDF, PNG, JPEG, Word, Excel, OpenDocument, plain text, CSV',
        {
          field: 'body',
        },
      );
    }
    const verdict = await settings.scanner.scan(data, fileName);
    if (!verdict.clean)
      throw new AppError('UNPROCESSABLE', `The file was refused by the virus scan (${verdict.threat})`);
    return { data, type, sha256: createHash('sha256').update(data).digest('hex') };
  }

  async function storeVersion(
    tx: Tx,
    res: Parameters<typeof actorOf>[0],
    input: {
      documentId: string;
      projectId: string;
      fileName: string;
      key: string;
      upload: Awaited<ReturnType<typeof checkedUpload>>;
    },
  ) {
    const { upload } = input;
    const storageKey = `sha256/${upload.sha256}`;
    await settings.store.put(tx, storageKey, upload.data);
    const latest = await tx.documentVersion.findFirst({
      where: { documentId: input.documentId },
      orderBy: { version: 'desc' },
    });
    const meta = commandMeta(res);
    const version = await tx.documentVersion.create({
      data: {
        documentId: input.documentId,
        version: (latest?.version ?? 0) + 1,
        fileName: input.fileName,
        contentType: upload.type,
        size: upload.data.length,
        sha256: upload.sha256,
        storageKey,
        scan: 'clean',
        uploadedById: meta.actorId!,
        onBehalfOfId: meta.onBehalfOfId ?? null,
        idempotencyKey: input.key,
      },
    });
    await writeAudit(tx, res, {
      action: version.version === 1 ? 'addDocument' : 'addDocumentVersion',
      entity: 'PermitProject',
      entityId: input.projectId,
      details: {
        documentId: input.documentId,
        version: version.version,
        sha256: upload.sha256,
        size: upload.data.length,
      },
    });
    await appendRoomEvent(tx, `project:${input.projectId}`, 'document', {
      projectId: input.projectId,
      documentId: input.documentId,
      version: version.version,
      fileName: input.fileName,
    });
    return version;
  }

  /** A repeated Idempotency-Key answers with what the first request stored. */
  async function earlier(key: string) {
    const version = await db.documentVersion.findUnique({
      where: { idempotencyKey: key },
      include: { document: { include: { versions: true } } },
    });
    return version?.document ?? null;
  }

  const isDuplicate = (err: unknown) => err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002';

  /** GET /api/projects/:id/documents — 200 with the documents and their versions (trade secrets only for those who may read them). */
  router.get(
    '/projects/:id/documents',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const project = await readableProject(db, res, id);
      const secrets = canReadTradeSecrets(viewerOf(res), factsOf(project));
      const documents = await db.document.findMany({
        where: { projectId: id },
        include: { versions: true },
        orderBy: { createdAt: 'asc' },
      });
      const withheld = secrets ? [] : documents.filter((d) => d.secret).map((d) => d.id);
      res.json(documents.filter((d) => secrets || !d.secret).map((d) => documentOut(id, d)));
      if (withheld.length > 0)
        void security?.forRequest(req, res, { kind: 'secret.withheld', status: 200, details: { documents: withheld } });
    }),
  );

  /**
   * POST /api/projects/:id/documents?title&fileName&permitType&secret — body: the file.
   * 201 with the document at version 1; 400 naming the field; 403; 404; 413; 415; 422.
   */
  router.post(
    '/projects/:id/documents',
    body,
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = `document:${id}:${idempotencyKey(req)}`;
      const query = ZNewDocumentQuery.parse(req.query);
      const { actor } = await threadWriter(db, res, id, query.permitType ?? null, 'documents here');
      const again = await earlier(key);
      if (again) {
        res.status(201).json(documentOut(id, again));
        return;
      }
      const upload = await checkedUpload(req, query.fileName);
      try {
        const documentId = await db.$transaction(async (tx) => {
          const document = await tx.document.create({
            data: {
              projectId: id,
              permitType: query.permitType ?? null,
              title: query.title,
              secret: query.secret === 'true',
              createdById: actor.userId,
            },
          });
          await storeVersion(tx, res, {
            documentId: document.id,
            projectId: id,
            fileName: query.fileName,
            key,
            upload,
          });
          return document.id;
        });
        live?.wake(`project:${id}`);
        const created = await db.document.findUniqueOrThrow({ where: { id: documentId }, include: { versions: true } });
        res.status(201).location(`/api/projects/${id}/documents`).json(documentOut(id, created));
      } catch (err) {
        if (!isDuplicate(err)) throw err;
        res.status(201).json(documentOut(id, (await earlier(key))!));
      }
    }),
  );

  /** POST /api/projects/:id/documents/:documentId/versions?fileName — body: the file. 201 with the document. */
  router.post(
    '/projects/:id/documents/:documentId/versions',
    body,
    asyncRoute(async (req, res) => {
      const { id, documentId } = ZDocumentParam.parse(req.params);
      const key = `document:${id}:${idempotencyKey(req)}`;
      const { fileName } = ZNewVersionQuery.parse(req.query);
      const document = await db.document.findFirst({ where: { id: documentId, projectId: id } });
      if (!document) throw new AppError('NOT_FOUND', 'Document not found');
      await threadWriter(db, res, id, document.permitType, 'documents here');
      const again = await earlier(key);
      if (again) {
        res.status(201).json(documentOut(id, again));
        return;
      }
      const upload = await checkedUpload(req, fileName);
      try {
        // Versions of one document are numbered in turn: the row lock orders concurrent uploads.
        await db.$transaction(async (tx) => {
          await tx.$executeRaw`SELECT 1 FROM "Document" WHERE id = ${documentId}::uuid FOR UPDATE`;
          await storeVersion(tx, res, { documentId, projectId: id, fileName, key, upload });
        });
      } catch (err) {
        if (!isDuplicate(err)) throw err;
      }
      live?.wake(`project:${id}`);
      res.status(201).json(documentOut(id, (await earlier(key))!));
    }),
  );

  /** GET /api/projects/:id/documents/:documentId/versions/:version/content — the file, as an attachment. */
  router.get(
    '/projects/:id/documents/:documentId/versions/:version/content',
    asyncRoute(async (req, res) => {
      const { id, documentId, version } = ZVersionParam.parse(req.params);
      const project = await readableProject(db, res, id);
      const row = await db.documentVersion.findFirst({
        where: { documentId, version, document: { projectId: id } },
        include: { document: true },
      });
      if (!row) throw new AppError('NOT_FOUND', 'Document not found');
      if (row.document.secret && !canReadTradeSecrets(viewerOf(res), factsOf(project))) {
        // As if it did not exist, and recorded: which document, never its content.
        void security?.forRequest(req, res, {
          kind: 'secret.withheld',
          status: 404,
          details: { documents: [documentId], version },
        });
        throw new AppError('NOT_FOUND', 'Document not found');
      }
      const data = await settings.store.get(row.storageKey);
      if (!data) throw new AppError('UNAVAILABLE', 'The document content is unavailable; try again shortly.');
      res.set({
        'Content-Type': row.contentType,
        'Content-Length': String(data.length),
        'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(row.fileName)}`,
        ETag: `"${row.sha256}"`,
        'Cache-Control': 'private, no-store',
      });
      res.end(data);
    }),
  );

  return router;
}
