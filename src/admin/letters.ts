/**
 * Printable PDFs (pdfkit): login letters, one A4 page per pupil with name,
 * username, the password or picture, the login address and its QR code; and
 * picture cards for a nursery class, the class page for the teacher first.
 * The pictures print from the monochrome Noto Emoji font (OFL), so a
 * black-and-white school printer shows them as well.
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

let emojiFont: Buffer | undefined;
function emoji(): Buffer {
  // The package exports only CSS; its LICENSE path finds the font files beside it.
  const dir = dirname(createRequire(import.meta.url).resolve('@fontsource/noto-emoji/LICENSE'));
  emojiFont ??= readFileSync(join(dir, 'files/noto-emoji-emoji-400-normal.woff'));
  return emojiFont;
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
  doc.registerFont('emoji', emoji());
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
    doc.font('Helvetica').fontSize(11).fillColor('#444').text(options.schoolName);
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(22).fillColor('#000').text(t.letterHeading);
    doc
      .font('Helvetica-Bold')
      .fontSize(18)
      .text(`${credential.givenName} ${credential.familyName}`);
    doc.moveDown(0.5);
    doc.font('Helvetica').fontSize(12).text(t.letterIntro);
    doc.moveDown(1.5);

    field(doc, t.username, credential.username);
    if (credential.password) field(doc, t.passwordIs, credential.password);
    if (credential.picture) {
      doc.font('Helvetica').fontSize(12).text(t.letterPicture);
      doc.font('emoji').fontSize(96).text(credential.picture.emoji);
      doc.font('Helvetica-Bold').fontSize(16).text(credential.picture[t.lang]);
      doc.moveDown(0.5);
    }
    if (!credential.password && !credential.picture) {
      doc.font('Helvetica-Oblique').fontSize(12).text(t.letterSelfManaged);
      doc.moveDown(0.5);
    }

    doc.moveDown(1);
    doc.font('Helvetica').fontSize(12).text(t.letterAddress);
    doc.font('Courier-Bold').fontSize(14).text(options.loginAddress);
    doc.image(qr, MARGIN, doc.y + 12, { width: QR_SIZE, height: QR_SIZE });
  }
  return toBuffer(doc);
}

function field(doc: PDFKit.PDFDocument, label: string, value: string) {
  doc.font('Helvetica').fontSize(12).text(label);
  doc.font('Courier-Bold').fontSize(20).text(value);
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
  doc.font('Helvetica').fontSize(11).fillColor('#444').text(options.schoolName);
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(22).fillColor('#000').text(t.cardTeacherTitle(group));
  doc.moveDown(0.5);
  doc.font('Helvetica').fontSize(12).text(t.cardTeacherIntro);
  doc.moveDown(1);
  field(doc, t.classCode, classCode.code);
  doc.font('Helvetica').fontSize(12).text(t.validUntil(options.validUntil));
  doc.image(await qrPng(classCode.url), MARGIN, doc.y + 12, { width: 200, height: 200 });

  for (const credential of credentials) {
    if (!credential.picture) continue;
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(28).text(credential.givenName, { align: 'center' });
    doc.moveDown(1);
    doc.font('emoji').fontSize(220).text(credential.picture.emoji, { align: 'center' });
    doc.moveDown(0.5);
    doc.font('Helvetica-Bold').fontSize(24).text(credential.picture[t.lang], { align: 'center' });
    doc.moveDown(1);
    doc.font('Helvetica').fontSize(11).fillColor('#444');
    doc.text(`${credential.givenName} ${credential.familyName} · ${group}`, { align: 'center' });
    doc.fillColor('#000');
  }
  return toBuffer(doc);
}
