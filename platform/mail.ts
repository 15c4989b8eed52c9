/**
 * E-mail over SMTP with nodemailer (SMTP_URL, e.g. smtps://user:pass@mail.example:465).
 * Without SMTP_URL alerts stay in the app and e-mails wait as pending until one is set.
 */
import nodemailer from 'nodemailer';
import type { Mailer } from '../activities/alerts';

export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(message) {
      await transport.sendMail({
        from,
        to: message.to,
        subject: message.subject,
        text: message.text,
        messageId: message.messageId,
      });
    },
  };
}
