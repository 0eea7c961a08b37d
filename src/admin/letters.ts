/**
 * Printable PDFs (pdfkit): login letters, one A4 page per pupil with name,
 * username, the password or picture, the login address and its QR code; and
 * picture cards for a nursery class, the class page for the teacher first.
 * Text is set in DejaVu Sans (embedded, subset), so names such as Ayşe,
 * Łukasz or Nguyễn print as written; the pictures print from the monochrome
 * Noto Emoji font (OFL), so a black-and-white school printer shows them too.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { Credential } from '../accounts/admin-service.js';
import type { ClassCodeIssued } from '../accounts/class-pages.js';
import type { Messages } from './messages/index.js';

const MARGIN = 56;
const QR_SIZE = 150;

const require = createRequire(import.meta.url);
const fontFiles = new Map<string, Buffer>();

/** The fonts by the names used below, read once. */
function fonts(): Record<string, Buffer> {
  if (fontFiles.size === 0) {
    // The package exports only CSS; its LICENSE path finds the font files beside it.
    const emoji = dirname(require.resolve('@fontsource/noto-emoji/LICENSE'));
    fontFiles.set('emoji', readFileSync(join(emoji, 'files/noto-emoji-emoji-400-normal.woff')));
    for (const [name, file] of [
      ['text', 'DejaVuSans.ttf'],
      ['bold', 'DejaVuSans-Bold.ttf'],
      ['italic', 'DejaVuSans-Oblique.ttf'],
      ['mono', 'DejaVuSansMono-Bold.ttf'],
    ] as const) {
      fontFiles.set(name, readFileSync(require.resolve(`dejavu-fonts-ttf/ttf/${file}`)));
    }
  }
  return Object.fromEntries(fontFiles);
}

async function toBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.end();
  return done;
}

function newDocument(title: string): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    autoFirstPage: false,
    info: { Title: title, Author: 'LeerID', Creator: 'LeerID' },
  });
  for (const [name, font] of Object.entries(fonts())) doc.registerFont(name, font);
  return doc;
}

const qrPng = (url: string) => QRCode.toBuffer(url, { type: 'png', margin: 1, width: 600 });

export interface LetterOptions {
  t: Messages;
  /** Where pupils log in; printed and as a QR code. */
  loginAddress: string;
  schoolName: string;
}

/** One page per pupil, in the order given. */
export async function renderLoginLetters(
  credentials: readonly Credential[],
  options: LetterOptions,
): Promise<Buffer> {
  const { t } = options;
  const doc = newDocument(t.letterHeading);
  const qr = await qrPng(options.loginAddress);

  for (const credential of credentials) {
    doc.addPage();
    doc.font('text').fontSize(11).fillColor('#444').text(options.schoolName);
    doc.moveDown(0.5);
    doc.font('bold').fontSize(22).fillColor('#000').text(t.letterHeading);
    doc.font('bold').fontSize(18).text(`${credential.givenName} ${credential.familyName}`);
    doc.moveDown(0.5);
    doc.font('text').fontSize(12).text(t.letterIntro);
    doc.moveDown(1.5);

    field(doc, t.username, credential.username);
    if (credential.password) field(doc, t.passwordIs, credential.password);
    if (credential.picture) {
      doc.font('text').fontSize(12).text(t.letterPicture);
      doc.font('emoji').fontSize(96).text(credential.picture.emoji);
      doc.font('bold').fontSize(16).text(credential.picture[t.lang]);
      doc.moveDown(0.5);
    }
    if (!credential.password && !credential.picture) {
      doc.font('italic').fontSize(12).text(t.letterSelfManaged);
      doc.moveDown(0.5);
    }

    doc.moveDown(1);
    doc.font('text').fontSize(12).text(t.letterAddress);
    doc.font('mono').fontSize(14).text(options.loginAddress);
    doc.image(qr, MARGIN, doc.y + 12, { width: QR_SIZE, height: QR_SIZE });
  }
  return toBuffer(doc);
}

function field(doc: PDFKit.PDFDocument, label: string, value: string) {
  doc.font('text').fontSize(12).text(label);
  doc.font('mono').fontSize(20).text(value);
  doc.moveDown(0.5);
}

/** The teacher's class page (code and QR code), then one card per child. */
export async function renderPictureCards(
  group: string,
  classCode: ClassCodeIssued,
  credentials: readonly Credential[],
  options: LetterOptions & { validUntil: string },
): Promise<Buffer> {
  const { t } = options;
  const doc = newDocument(t.cardTeacherTitle(group));

  doc.addPage();
  doc.font('text').fontSize(11).fillColor('#444').text(options.schoolName);
  doc.moveDown(0.5);
  doc.font('bold').fontSize(22).fillColor('#000').text(t.cardTeacherTitle(group));
  doc.moveDown(0.5);
  doc.font('text').fontSize(12).text(t.cardTeacherIntro);
  doc.moveDown(1);
  field(doc, t.classCode, classCode.code);
  doc.font('text').fontSize(12).text(t.validUntil(options.validUntil));
  doc.image(await qrPng(classCode.url), MARGIN, doc.y + 12, { width: 200, height: 200 });

  for (const credential of credentials) {
    if (!credential.picture) continue;
    doc.addPage();
    doc.font('bold').fontSize(28).text(credential.givenName, { align: 'center' });
    doc.moveDown(1);
    doc.font('emoji').fontSize(220).text(credential.picture.emoji, { align: 'center' });
    doc.moveDown(0.5);
    doc.font('bold').fontSize(24).text(credential.picture[t.lang], { align: 'center' });
    doc.moveDown(1);
    doc.font('text').fontSize(11).fillColor('#444');
    doc.text(`${credential.givenName} ${credential.familyName} · ${group}`, { align: 'center' });
    doc.fillColor('#000');
  }
  return toBuffer(doc);
}
