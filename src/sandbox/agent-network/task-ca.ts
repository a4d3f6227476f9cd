import { generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { isIP } from "node:net";
import { createSecureContext, type SecureContext } from "node:tls";
import forge from "node-forge";

/**
 * A certificate authority for one task's egress proxy, so that it can read the requests inside
 * HTTPS tunnels (methods and URL prefixes then hold for HTTPS too). Only that task's sandbox
 * trusts it, its key never leaves this process's memory, and it expires in a day.
 */
export interface TaskCa {
  /** The CA certificate, PEM: what the sandbox is told to trust. */
  certPem: string;
  /** A key and certificate for `host` (a name or an IP literal), signed by this CA, PEM. */
  issue(host: string): { keyPem: string; certPem: string };
  /** A TLS context presenting issue(host)'s certificate, made once per host. */
  contextFor(host: string): SecureContext;
}

const VALID_MS = 24 * 60 * 60 * 1000;
// Clocks differ a little between the host and a client's view of it.
const BACKDATE_MS = 60 * 60 * 1000;

/**
 * A fresh CA. node-forge, a kept library, writes the certificates, since node:crypto can read
 * X.509 but not issue it; node:crypto makes the keys and the signatures, natively (forge's own
 * RSA in JavaScript took over a second per certificate here). One leaf key serves every host of
 * the task; each host's certificate is made once, when first asked for.
 */
export function createTaskCa(commonName = "codex-bot agent network"): TaskCa {
  const caKeys = rsaKeyPair();
  const caCert = newCertificate(caKeys.publicKey, [{ name: "commonName", value: commonName }]);
  caCert.setIssuer(caCert.subject.attributes);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  signCertificate(caCert, caKeys.privateKeyPem);
  const certPem = forge.pki.certificateToPem(caCert);
  const leafKeys = rsaKeyPair();
  const leafKeyPem = leafKeys.privateKeyPem;
  const contexts = new Map<string, SecureContext>();
  const issue = (host: string) => {
    const leaf = newCertificate(leafKeys.publicKey, [{ name: "commonName", value: host }]);
    leaf.setIssuer(caCert.subject.attributes);
    leaf.setExtensions([
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [isIP(host) === 0 ? { type: 2, value: host } : { type: 7, ip: host }] },
      // OpenSSL's strict mode (Python 3.13's default) wants both key identifiers.
      { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      { name: "subjectKeyIdentifier" },
    ]);
    signCertificate(leaf, caKeys.privateKeyPem);
    return { keyPem: leafKeyPem, certPem: forge.pki.certificateToPem(leaf) };
  };
  return {
    certPem,
    issue,
    contextFor(host) {
      let context = contexts.get(host);
      if (!context) {
        const { keyPem, certPem: leafPem } = issue(host);
        context = createSecureContext({ key: keyPem, cert: leafPem });
        contexts.set(host, context);
      }
      return context;
    },
  };
}

function rsaKeyPair(): { publicKey: forge.pki.rsa.PublicKey; privateKeyPem: string } {
  const keys = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
  return { privateKeyPem: keys.privateKey, publicKey: forge.pki.publicKeyFromPem(keys.publicKey) as forge.pki.rsa.PublicKey };
}

/** What forge's cert.sign does, with node:crypto's RSA: sha256WithRSAEncryption over the DER TBSCertificate. */
function signCertificate(cert: forge.pki.Certificate, issuerKeyPem: string): void {
  const fields = cert as forge.pki.Certificate & { tbsCertificate: forge.asn1.Asn1; signatureOid: string; signature: string };
  fields.md = forge.md.sha256.create();
  fields.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption ?? "1.2.840.113549.1.1.11";
  // In forge's API (x509.js), though not in its type definitions.
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };
  fields.tbsCertificate = pki.getTBSCertificate(cert);
  const der = Buffer.from(forge.asn1.toDer(fields.tbsCertificate).getBytes(), "binary");
  fields.signature = sign("sha256", der, issuerKeyPem).toString("binary");
}

function newCertificate(publicKey: forge.pki.rsa.PublicKey, subject: forge.pki.CertificateField[]): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  // Positive (first bit clear) and unpredictable, as RFC 5280 asks.
  cert.serialNumber = `0${randomBytes(16).toString("hex").slice(1)}`;
  const now = Date.now();
  cert.validity.notBefore = new Date(now - BACKDATE_MS);
  cert.validity.notAfter = new Date(now + VALID_MS);
  cert.setSubject(subject);
  return cert;
}
