/*
 * Bouncy Castle behind the suite's adapters: a small command-line program on BC's CMS API (bcpkix), the
 * way its documentation shows an application using it. It reads and writes bare CMS (DER or BER);
 * bouncycastle.mjs does the S/MIME framing and compiles this file on first use.
 *
 *   encrypt IN OUT RECIPIENT_CERT            EnvelopedData, AES-256-CBC; RSA key transport (PKCS#1 v1.5) for an
 *                                            RSA certificate, ECDH (X9.63 SHA-256 KDF, AES-256 key wrap) for EC
 *   decrypt IN OUT CERT KEY                  EnvelopedData or AuthEnvelopedData, with the RecipientInfo that names CERT
 *   verify  IN OUT TRUST_ANCHOR TIME         every SignerInfo's signature (SignerInformation.verify) and its
 *                                            certificate path to TRUST_ANCHOR at TIME (PKIX, no revocation:
 *                                            the test PKI publishes none); writes the encapsulated content
 *
 * Exit status: 0 and OUT written; 1 refused, with one line on stderr; 2 usage. What this program does not
 * check is not checked: BC's CMS API leaves the signer certificate's keyUsage and the DOMSEC rules
 * (naming, SignatureType) to the application, and so does this program.
 */
import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.time.Instant;
import java.util.*;
import org.bouncycastle.asn1.cms.CMSObjectIdentifiers;
import org.bouncycastle.asn1.cms.ContentInfo;
import org.bouncycastle.asn1.ASN1InputStream;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.*;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.Store;

public final class DomsecBc {
  static final String BC = "BC";

  static final class Refused extends Exception {
    Refused(String m) { super(m); }
  }

  public static void main(String[] args) {
    Security.addProvider(new BouncyCastleProvider());
    try {
      if (args.length == 1 && args[0].equals("version"))
        System.out.println("Bouncy Castle " + Security.getProvider(BC).getVersionStr() + " on Java " + System.getProperty("java.version"));
      else if (args.length == 4 && args[0].equals("encrypt")) encrypt(args[1], args[2], args[3]);
      else if (args.length == 5 && args[0].equals("decrypt")) decrypt(args[1], args[2], args[3], args[4]);
      else if (args.length == 5 && args[0].equals("verify")) verify(args[1], args[2], args[3], args[4]);
      else {
        System.err.println("DomsecBc: usage: encrypt IN OUT CERT | decrypt IN OUT CERT KEY | verify IN OUT TRUST_ANCHOR TIME");
        System.exit(2);
      }
    } catch (Refused e) {
      System.err.println("DomsecBc: " + e.getMessage());
      System.exit(1);
    } catch (Exception e) {
      // Whatever BC throws on this input is its refusal: the class names the kind of failure.
      System.err.println("DomsecBc: " + e.getClass().getName() + ": " + e.getMessage());
      System.exit(1);
    }
  }

  static X509Certificate cert(String path) throws Exception {
    try (InputStream in = Files.newInputStream(Paths.get(path))) {
      return (X509Certificate) CertificateFactory.getInstance("X.509", BC).generateCertificate(in);
    }
  }

  static PrivateKey key(String path) throws Exception {
    try (PEMParser p = new PEMParser(Files.newBufferedReader(Paths.get(path)))) {
      Object o = p.readObject();
      if (!(o instanceof PrivateKeyInfo)) throw new Refused("the key file is not an unencrypted PKCS#8 private key");
      return new JcaPEMKeyConverter().setProvider(BC).getPrivateKey((PrivateKeyInfo) o);
    }
  }

  static ContentInfo contentInfo(String path) throws Exception {
    try (ASN1InputStream in = new ASN1InputStream(Files.readAllBytes(Paths.get(path)))) {
      return ContentInfo.getInstance(in.readObject());
    }
  }

  static void write(String out, byte[] data) throws IOException {
    Path tmp = Paths.get(out + ".tmp");
    Files.write(tmp, data);
    Files.move(tmp, Paths.get(out), StandardCopyOption.ATOMIC_MOVE);
  }

  static void encrypt(String in, String out, String recipient) throws Exception {
    X509Certificate c = cert(recipient);
    CMSEnvelopedDataGenerator gen = new CMSEnvelopedDataGenerator();
    if (c.getPublicKey().getAlgorithm().startsWith("EC")) {
      // Ephemeral-static ECDH (RFC 5753 3.1): a fresh key pair on the recipient's curve for each message.
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("EC", BC);
      kpg.initialize(((java.security.interfaces.ECPublicKey) c.getPublicKey()).getParams());
      KeyPair eph = kpg.generateKeyPair();
      gen.addRecipientInfoGenerator(new JceKeyAgreeRecipientInfoGenerator(CMSAlgorithm.ECDH_SHA256KDF, eph.getPrivate(), eph.getPublic(), CMSAlgorithm.AES256_WRAP)
          .setProvider(BC).addRecipient(c));
    } else {
      gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(c).setProvider(BC));
    }
    CMSEnvelopedData ed = gen.generate(new CMSProcessableByteArray(Files.readAllBytes(Paths.get(in))),
        new JceCMSContentEncryptorBuilder(CMSAlgorithm.AES256_CBC).setProvider(BC).build());
    write(out, ed.getEncoded());
  }

  static void decrypt(String in, String out, String certPath, String keyPath) throws Exception {
    X509CertificateHolder holder = new X509CertificateHolder(cert(certPath).getEncoded());
    PrivateKey k = key(keyPath);
    ContentInfo ci = contentInfo(in);
    RecipientInformationStore store;
    boolean auth = ci.getContentType().equals(CMSObjectIdentifiers.authEnvelopedData);
    if (auth) store = new CMSAuthEnvelopedData(ci).getRecipientInfos();
    else if (ci.getContentType().equals(CMSObjectIdentifiers.envelopedData)) store = new CMSEnvelopedData(ci).getRecipientInfos();
    else throw new Refused("not EnvelopedData or AuthEnvelopedData (contentType " + ci.getContentType() + ")");
    for (RecipientInformation ri : store.getRecipients()) {
      if (!ri.getRID().match(holder)) continue;
      Recipient r = ri instanceof KeyAgreeRecipientInformation
          ? new JceKeyAgreeEnvelopedRecipient(k).setProvider(BC)
          : new JceKeyTransEnvelopedRecipient(k).setProvider(BC);
      write(out, ri.getContent(r));
      return;
    }
    throw new Refused("no RecipientInfo for the certificate given");
  }

  static void verify(String in, String out, String trustPath, String time) throws Exception {
    CMSSignedData sd = new CMSSignedData(contentInfo(in));
    X509Certificate anchor = cert(trustPath);
    Date at = Date.from(Instant.parse(time));
    Store<X509CertificateHolder> certs = sd.getCertificates();
    JcaX509CertificateConverter conv = new JcaX509CertificateConverter().setProvider(BC);
    List<X509Certificate> all = new ArrayList<>();
    for (X509CertificateHolder h : certs.getMatches(null)) all.add(conv.getCertificate(h));
    Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
    if (signers.isEmpty()) System.err.println("DomsecBc: no SignerInfo: nothing to verify");
    int i = 0;
    for (SignerInformation si : signers) {
      i++;
      @SuppressWarnings("unchecked")
      Collection<X509CertificateHolder> match = certs.getMatches(si.getSID());
      if (match.isEmpty()) throw new Refused("signer " + i + ": its certificate is not in the SignedData");
      X509Certificate signer = conv.getCertificate(match.iterator().next());
      if (!si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(signer)))
        throw new Refused("signer " + i + ": the signature does not verify");
      CertPath path = CertificateFactory.getInstance("X.509", BC).generateCertPath(chain(signer, all));
      PKIXParameters params = new PKIXParameters(Collections.singleton(new TrustAnchor(anchor, null)));
      params.setRevocationEnabled(false);
      params.setDate(at);
      try {
        CertPathValidator.getInstance("PKIX", BC).validate(path, params);
      } catch (CertPathValidatorException e) {
        throw new Refused("signer " + i + ": certificate path: " + e.getMessage());
      }
      System.err.println("DomsecBc: signer " + i + " verified: " + signer.getSubjectX500Principal());
    }
    CMSTypedData content = sd.getSignedContent();
    write(out, content == null ? new byte[0] : (byte[]) content.getContent());
  }

  /** The signer's certificate and the SignedData's certificates that lead from it towards the trust anchor (not the anchor itself). */
  static List<X509Certificate> chain(X509Certificate leaf, List<X509Certificate> pool) {
    List<X509Certificate> out = new ArrayList<>();
    X509Certificate cur = leaf;
    for (int n = 0; n < 8 && cur != null; n++) {
      out.add(cur);
      if (cur.getIssuerX500Principal().equals(cur.getSubjectX500Principal())) break;
      X509Certificate next = null;
      for (X509Certificate c : pool) if (c != cur && c.getSubjectX500Principal().equals(cur.getIssuerX500Principal())) next = c;
      cur = next;
    }
    return out;
  }
}
