import type { AddressInfo } from 'node:net';
import { createAuth, memoryStore } from '@gatehouse-auth/core';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import nodemailer from 'nodemailer';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { smtpMailer } from './smtp-mailer.js';

interface Received {
  mail: ParsedMail;
  envelope: { from: string | false; to: string[] };
}

interface TestServer {
  port: number;
  received: Received[];
  /** Resolves with the next message the server accepts. */
  next(): Promise<Received>;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A real SMTP server on a free loopback port, plain text (no STARTTLS), no authentication. */
async function startServer(options: Partial<SMTPServerOptions> = {}): Promise<TestServer> {
  const received: Received[] = [];
  const waiting: ((message: Received) => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream).then(
        (mail) => {
          const message: Received = {
            mail,
            envelope: {
              from: session.envelope.mailFrom === false ? false : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
          };
          received.push(message);
          waiting.shift()?.(message);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const handle: TestServer = {
    port,
    received,
    next: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  servers.push(handle);
  return handle;
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(field) ? field : field ? [field] : []).flatMap((object) => object.value.map((entry) => entry.address ?? ''));
}

const message = {
  to: 'ada@example.com',
  subject: 'Confirm your email address for Acme',
  text: 'Please confirm.\n\nhttps://app.example.com/auth/verify-email/abc\n',
  html: '<!doctype html><html lang="en"><body><p>Please confirm: <a href="https://app.example.com/auth/verify-email/abc">confirm</a></p></body></html>',
};

describe('smtpMailer', () => {
  it('delivers a message with From, To, Subject, a text part and an HTML part (url)', async () => {
    const server = await startServer();
    const mailer = smtpMailer({ url: `smtp://127.0.0.1:${server.port}`, from: 'Acme <no-reply@acme.example>' });
    const arrival = server.next();
    await mailer.send(message);
    const { mail, envelope } = await arrival;
    mailer.close();

    expect(mail.from?.value).toEqual([{ address: 'no-reply@acme.example', name: 'Acme' }]);
    expect(addresses(mail.to)).toEqual(['ada@example.com']);
    expect(mail.subject).toBe(message.subject);
    expect(mail.text).toBe(message.text);
    expect(mail.html).toContain('<a href="https://app.example.com/auth/verify-email/abc">confirm</a>');
    expect(envelope).toEqual({ from: 'no-reply@acme.example', to: ['ada@example.com'] });
  });

  it('delivers through a nodemailer transporter given as `transport`, with a Reply-To', async () => {
    const server = await startServer();
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: server.port, secure: false, ignoreTLS: true });
    const mailer = smtpMailer({ transport, from: 'no-reply@acme.example', replyTo: 'support@acme.example' });
    const arrival = server.next();
    await mailer.send({ ...message, subject: 'Ünïcödé subject ✓' });
    const { mail } = await arrival;
    transport.close();
    expect(addresses(mail.from)).toEqual(['no-reply@acme.example']);
    expect(addresses(mail.replyTo)).toEqual(['support@acme.example']);
    expect(mail.subject).toBe('Ünïcödé subject ✓');
  });

  it('rejects when the server refuses the recipient', async () => {
    const server = await startServer({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
      },
    });
    const mailer = smtpMailer({ url: `smtp://127.0.0.1:${server.port}`, from: 'no-reply@acme.example' });
    await expect(mailer.send(message)).rejects.toThrow(/No such user here/);
    mailer.close();
    expect(server.received).toHaveLength(0);
  });

  it('rejects when no server listens', async () => {
    const server = await startServer();
    const port = server.port;
    await server.close();
    servers.length = 0;
    const mailer = smtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'no-reply@acme.example' });
    await expect(mailer.send(message)).rejects.toThrow();
    mailer.close();
  });

  it('carries a Gatehouse verification email end to end: register, receive, verify', async () => {
    const server = await startServer();
    const mailer = smtpMailer({ url: `smtp://127.0.0.1:${server.port}`, from: 'Acme <no-reply@acme.example>' });
    const auth = createAuth({
      store: memoryStore(),
      mailer,
      secret: 'test-secret-'.padEnd(32, 'x'),
      appUrl: 'https://app.example.com',
      appName: 'Acme',
      hasher: { hash: async (p) => `plain:${p}`, verify: async (h, p) => h === `plain:${p}`, needsRehash: () => false },
    });
    const arrival = server.next();
    await auth.register({ email: 'ada@example.com', password: 'Correct-Horse-42' });
    const { mail } = await arrival;
    mailer.close();
    expect(mail.subject).toBe('Confirm your email address for Acme');
    expect(addresses(mail.to)).toEqual(['ada@example.com']);
    const link = /^https:\/\/app\.example\.com\/auth\/verify-email\/([A-Za-z0-9_-]{43})$/m.exec(mail.text ?? '');
    expect(link).not.toBeNull();
    expect(mail.html).toContain(link?.[0]);
    await expect(auth.verifyEmail({ token: link?.[1] ?? '' })).resolves.toMatchObject({ user: { emailVerified: true } });
  });

  it('validates its options up front, without repeating a URL that may hold a password', () => {
    const from = 'no-reply@acme.example';
    expect(() => smtpMailer({ from } as never)).toThrow(/either `transport`.*or `url`/);
    expect(() => smtpMailer({ from, url: 'smtp://x', transport: { sendMail: async () => ({}) } })).toThrow(TypeError);
    expect(() => smtpMailer({ from, transport: {} as never })).toThrow(/sendMail/);
    expect(() => smtpMailer({ from, url: 'https://user:hunter2@smtp.example.com' })).toThrow(/smtp:\/\/ or smtps:\/\//);
    const thrown = ((): unknown => {
      try {
        smtpMailer({ from, url: 'http://user:hunter2@smtp.example.com' });
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(thrown).toBeInstanceOf(TypeError);
    expect(String(thrown)).not.toContain('hunter2');
    expect(() => smtpMailer({ url: 'smtp://127.0.0.1:2525', from: '' })).toThrow(/`from`/);
    expect(() => smtpMailer({ url: 'smtp://127.0.0.1:2525', from: 'a@example.com\r\nBcc: victim@example.com' })).toThrow(/one line/);
    for (const notAnAddress of ['not an address', 'Acme', 'Acme <no-reply>', 'a@b', '<>', 'a b@example.com']) {
      expect(() => smtpMailer({ url: 'smtp://127.0.0.1:2525', from: notAnAddress }), notAnAddress).toThrow(/`from` must be one address/);
    }
    for (const address of ['no-reply@acme.example', 'Acme <no-reply@acme.example>', '"Acme, Inc." <no-reply@acme.example>']) {
      expect(() => smtpMailer({ url: 'smtp://127.0.0.1:2525', from: address }), address).not.toThrow();
    }
  });
});
