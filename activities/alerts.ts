/**
 * Alerts (F39–F41): the notification outbox that activities fill in their transactions is
 * fanned out to the people behind each recipient (an organisation's users and mandated
 * agents, an authority's users, a supervisor, residents whose subscribed area meets a
 * notice's impact area), as in-app alerts and, by each user's choice,
 * e-mail at once or in a daily digest. Everything here is idempotent and safe to run in
 * several workers at once:
 *
 * - fan-out takes outbox rows with FOR UPDATE SKIP LOCKED, writes one alert per user
 *   (unique per notification and user) and marks the row sent, a small batch per transaction;
 * - a sender claims one pending e-mail at a time (SKIP LOCKED), sends and marks it sent. A
 *   sender that dies after sending and before marking leaves a claim that expires and is sent
 *   again with the same Message-ID (at least once; mail systems drop the repeat by its id).
 */
import { addHours } from 'date-fns';
import type { Db, Tx } from '../platform/db';
import type { Logger } from '../platform/logger';
import type { EventPublisher } from './types';
import { appendRoomEvent, notify } from './timeline';
import texts from './i18n/alerts.json';
import { areasMeet } from '../domain/areas';
import type { ImpactArea } from '../workflows/permit-section/messages';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Stable per alert or digest, so a repeated delivery is recognisable. */
  messageId: string;
}

/** Where e-mail goes: SMTP in production and tests (see platform/mail.ts). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export interface AlertSettings {
  /** The service's address in e-mails. */
  publicUrl: string;
  /** The domain part of Message-IDs. */
  mailDomain: string;
  /** A claim older than this is taken to have failed and is sent again. */
  claimTimeoutMinutes?: number;
}

type Locale = keyof typeof texts;
const text = (locale: string, key: string, vars: Record<string, string | number> = {}) => {
  const table = (texts[(locale in texts ? locale : 'fi') as Locale] ?? texts.fi) as Record<string, string>;
  const template = table[key] ?? (texts.fi as Record<string, string>)[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => String(vars[name] ?? ''));
};
const kindTitle = (locale: string, kind: string) => {
  const title = text(locale, `kind.${kind}`);
  return title === `kind.${kind}` ? text(locale, 'subject.default') : title;
};

/** Users following this kind of alert (or every kind) in an area that meets `area`. */
async function subscribersMeeting(tx: Tx, alertKind: string, area: ImpactArea): Promise<string[]> {
  const subscriptions = await tx.areaSubscription.findMany({
    where: { OR: [{ kinds: { isEmpty: true } }, { kinds: { has: alertKind } }] },
  });
  return [
    ...new Set(subscriptions.filter((s) => areasMeet(s.area as unknown as ImpactArea, area)).map((s) => s.userId)),
  ];
}

/** The users behind a notification's recipient. */
async function recipients(tx: Tx, kind: string, recipient: string, now: Date, alertKind: string): Promise<string[]> {
  if (kind === 'impactArea') {
    // A notice's or decision's impact area: everyone whose subscribed area meets it (F41).
    const [projectId = '', permitType = ''] = recipient.split(':');
    const notice = await tx.notice.findUnique({
      where: { projectId_permitType: { projectId, permitType } },
      select: { area: true },
    });
    if (!notice) return [];
    return subscribersMeeting(tx, alertKind, notice.area as unknown as ImpactArea);
  }
  if (kind === 'siteArea') {
    // An incident at a site: everyone whose subscribed area covers the site's location (F41).
    const site = await tx.site.findUnique({ where: { id: recipient }, select: { latitude: true, longitude: true } });
    if (site?.latitude == null || site.longitude == null) return [];
    const at: ImpactArea = { type: 'Circle', center: [site.longitude, site.latitude], radiusMeters: 1 };
    return subscribersMeeting(tx, alertKind, at);
  }
  if (kind === 'organisation') {
    const users = await tx.user.findMany({
      where: {
        disabledAt: null,
        OR: [
          { organisationId: recipient, role: 'CUSTOMER' },
          {
            role: 'AGENT',
            mandates: {
              some: { organisationId: recipient, revokedAt: null, validFrom: { lte: now }, validTo: { gte: now } },
            },
          },
        ],
      },
      select: { id: true },
    });
    return users.map((u) => u.id);
  }
  if (kind === 'authority') {
    const users = await tx.user.findMany({
      where: { disabledAt: null, authority: { code: recipient }, role: { in: ['AUTHORITY', 'SUPERVISOR'] } },
      select: { id: true },
    });
    return users.map((u) => u.id);
  }
  if (kind === 'supervisor') {
    const user = await tx.user.findUnique({ where: { email: recipient.toLowerCase() }, select: { id: true } });
    return user ? [user.id] : [];
  }
  return [];
}

export function createAlertActivities({ db, logger, events }: { db: Db; logger: Logger; events?: EventPublisher }) {
  /**
   * Fans out up to `limit` outbox rows, `batch` rows per transaction; returns how many rows and
   * alerts it wrote. Short transactions: the backlog an outage leaves behind must not outgrow
   * one transaction's time limit, or every retry would fail the same way and nothing would go out.
   */
  async function fanOutAlerts(
    input: { now?: string; limit?: number; batch?: number; progress?: () => void } = {},
  ): Promise<{ notifications: number; alerts: number }> {
    const now = input.now ? new Date(input.now) : new Date();
    const limit = input.limit ?? 200;
    const total = { notifications: 0, alerts: 0 };
    while (total.notifications < limit) {
      const take = Math.min(input.batch ?? 10, limit - total.notifications);
      const wake: string[] = [];
      const result = await db.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<Array<{ id: string }>>`
          SELECT id FROM "Notification" WHERE "sentAt" IS NULL
          ORDER BY "createdAt" LIMIT ${take} FOR UPDATE SKIP LOCKED`;
        let alerts = 0;
        for (const { id } of rows) {
          const n = await tx.notification.findUniqueOrThrow({ where: { id } });
          const userIds = await recipients(tx, n.recipientKind, n.recipient, now, n.kind);
          const prefs = new Map(
            (await tx.alertPreference.findMany({ where: { userId: { in: userIds } } })).map((p) => [p.userId, p]),
          );
          for (const userId of userIds) {
            const pref = prefs.get(userId);
            if (pref?.mutedKinds.includes(n.kind)) continue;
            const created = await tx.alert.createMany({
              data: [
                {
                  userId,
                  notificationId: n.id,
                  projectId: n.projectId,
                  kind: n.kind,
                  payload: n.payload ?? {},
                  createdAt: n.createdAt,
                  emailState: pref && !pref.email ? 'none' : 'pending',
                },
              ],
              skipDuplicates: true,
            });
            if (created.count > 0) {
              alerts++;
              await appendRoomEvent(tx, `user:${userId}`, 'alert', { kind: n.kind, projectId: n.projectId });
              wake.push(`user:${userId}`);
            }
          }
          await tx.notification.update({ where: { id }, data: { sentAt: now } });
        }
        return { notifications: rows.length, alerts };
      });
      for (const room of new Set(wake)) events?.wake?.(room);
      total.notifications += result.notifications;
      total.alerts += result.alerts;
      input.progress?.();
      if (result.notifications < take) break;
    }
    if (total.alerts > 0) logger.debug(total, 'alerts fanned out');
    return total;
  }

  /** Claims pending e-mails of users who want them at once (or expired claims), up to `limit`. */
  async function claim(now: Date, timeoutMinutes: number, limit: number) {
    const expired = addHours(now, -timeoutMinutes / 60);
    return db.$queryRaw<Array<{ id: string }>>`
      UPDATE "Alert" SET "emailState" = 'sending', "emailClaimedAt" = ${now}
      WHERE id IN (
        SELECT a.id FROM "Alert" a LEFT JOIN "AlertPreference" p ON p."userId" = a."userId"
        WHERE (a."emailState" = 'pending' OR (a."emailState" = 'sending' AND a."emailClaimedAt" < ${expired}))
          AND COALESCE(p.digest, 'immediate') = 'immediate'
        ORDER BY a."createdAt" LIMIT ${limit} FOR UPDATE OF a SKIP LOCKED)
      RETURNING id`;
  }

  /**
   * Sends pending immediate e-mails, up to `limit`, claiming each just before it is sent: a
   * sender that dies leaves at most the one e-mail it was sending to the claim timeout (sent
   * again then, with the same Message-ID), not a whole batch. Returns how many were sent.
   */
  async function sendAlertEmails(
    mailer: Mailer,
    settings: AlertSettings,
    input: { now?: string; limit?: number; progress?: () => void } = {},
  ): Promise<number> {
    const now = input.now ? new Date(input.now) : new Date();
    let sent = 0;
    for (let i = 0; i < (input.limit ?? 50); i++) {
      const [claimed] = await claim(now, settings.claimTimeoutMinutes ?? 10, 1);
      if (!claimed) break;
      const { id } = claimed;
      input.progress?.();
      const alert = await db.alert.findUniqueOrThrow({ where: { id } });
      const user = await db.user.findUnique({ where: { id: alert.userId } });
      if (!user || user.disabledAt) {
        await db.alert.update({ where: { id }, data: { emailState: 'none' } });
        continue;
      }
      const title = kindTitle(user.locale, alert.kind);
      const link = alert.projectId ? `${settings.publicUrl}/?project=${alert.projectId}` : settings.publicUrl;
      await mailer.send({
        to: user.email,
        subject: title,
        text: [
          text(user.locale, 'body.intro', { name: user.name }),
          '',
          title,
          '',
          text(user.locale, 'body.open', { url: link }),
          '',
          text(user.locale, 'body.preferences'),
        ].join('\n'),
        messageId: `<alert-${id}@${settings.mailDomain}>`,
      });
      await db.alert.update({ where: { id }, data: { emailState: 'sent', emailedAt: new Date() } });
      sent++;
    }
    return sent;
  }

  /**
   * Daily digests: one e-mail per user who chose them and whose last digest is a day old,
   * listing every pending alert; the alerts and the digest time are marked in one go after
   * the send (a failed send leaves them for the next run).
   */
  async function sendDigests(mailer: Mailer, settings: AlertSettings, input: { now?: string } = {}): Promise<number> {
    const now = input.now ? new Date(input.now) : new Date();
    const due = await db.alertPreference.findMany({
      where: {
        digest: 'daily',
        email: true,
        OR: [{ lastDigestAt: null }, { lastDigestAt: { lte: addHours(now, -24) } }],
      },
    });
    let sent = 0;
    for (const pref of due) {
      const user = await db.user.findUnique({ where: { id: pref.userId } });
      const alerts = await db.alert.findMany({
        where: { userId: pref.userId, emailState: 'pending' },
        orderBy: { createdAt: 'asc' },
      });
      if (!user || user.disabledAt || alerts.length === 0) continue;
      const lines = alerts.map((a) => `- ${kindTitle(user.locale, a.kind)}`);
      await mailer.send({
        to: user.email,
        subject: text(user.locale, 'subject.digest', { count: alerts.length }),
        text: [
          text(user.locale, 'body.intro', { name: user.name }),
          '',
          ...lines,
          '',
          text(user.locale, 'body.open', { url: settings.publicUrl }),
        ].join('\n'),
        messageId: `<digest-${pref.userId}-${now.toISOString().slice(0, 10)}@${settings.mailDomain}>`,
      });
      await db.$transaction([
        db.alert.updateMany({
          where: { id: { in: alerts.map((a) => a.id) }, emailState: 'pending' },
          data: { emailState: 'sent', emailedAt: now },
        }),
        db.alertPreference.update({ where: { userId: pref.userId }, data: { lastDigestAt: now } }),
      ]);
      sent++;
    }
    return sent;
  }

  /**
   * Deadlines approaching (F39): an unanswered information request due within the warning
   * window puts one reminder in the outbox for the customer (its key makes it once only).
   */
  async function remindDeadlines(input: { now?: string; warningHours?: number } = {}): Promise<number> {
    const now = input.now ? new Date(input.now) : new Date();
    const due = await db.infoRequest.findMany({
      where: { answeredAt: null, dueAt: { gt: now, lte: addHours(now, input.warningHours ?? 48) } },
      include: { project: { select: { organisationId: true } } },
    });
    for (const request of due) {
      await db.$transaction((tx) =>
        notify(tx, {
          projectId: request.projectId,
          recipientKind: 'organisation',
          recipient: request.project.organisationId,
          kind: 'infoRequestDueSoon',
          payload: { permitType: request.permitType, question: request.question, dueAt: request.dueAt!.toISOString() },
          key: `deadline:info:${request.id}`,
          at: now,
        }),
      );
    }
    return due.length;
  }

  return { fanOutAlerts, sendAlertEmails, sendDigests, remindDeadlines };
}
