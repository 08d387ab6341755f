"""A development certificate authority and an office certificate under it, for a laptop and the
tests: results signed with them verify here and nowhere else. Production signs with the office's
certificate from a licensed Vietnamese CA (MOTCUA_SIGNING_P12)."""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEVELOPMENT_MARK = "FOR DEVELOPMENT ONLY - not a valid signature"


class DevelopmentKeys(msgspec.Struct, frozen=True):
    p12: bytes  # the office's key and certificate, with the CA's certificate as its chain
    password: bytes
    ca_pem: bytes  # the trust root verification accepts


def _name(common: str, organization: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, DEVELOPMENT_MARK),
            x509.NameAttribute(NameOID.COMMON_NAME, common),
        ]
    )


def _usage(*, sign_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certificates,
        content_commitment=not sign_certificates,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certificates,
        crl_sign=sign_certificates,
        encipher_only=False,
        decipher_only=False,
    )


class DevelopmentCa(msgspec.Struct, frozen=True):
    key_pem: bytes
    cert_pem: bytes


def development_ca(now: datetime) -> DevelopmentCa:
    """A certificate authority named as for development, kept by the caller to issue offices' certificates."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = _name("Một Cửa development CA", "Một Cửa")
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign_certificates=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    return DevelopmentCa(
        key_pem=ca_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        cert_pem=ca.public_bytes(serialization.Encoding.PEM),
    )


def office_keys(authority: DevelopmentCa, office: str, now: datetime, password: bytes) -> DevelopmentKeys:
    """A certificate for `office` issued by `authority`: its name as the subject's common name and
    organization, which is what a verifier shows as "signed by"."""
    ca_key = serialization.load_pem_private_key(authority.key_pem, password=None)
    assert isinstance(ca_key, ec.EllipticCurvePrivateKey)
    ca = x509.load_pem_x509_certificate(authority.cert_pem)
    ca_name = ca.subject
    key = ec.generate_private_key(ec.SECP256R1())
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(office, office))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=730))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certificates=False), critical=True)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        office.encode(), key, certificate, [ca], serialization.BestAvailableEncryption(password)
    )
    return DevelopmentKeys(p12=p12, password=password, ca_pem=authority.cert_pem)


def development_keys(office: str, now: datetime, password: bytes) -> DevelopmentKeys:
    """A new development CA and a certificate for `office` under it."""
    return office_keys(development_ca(now), office, now, password)
