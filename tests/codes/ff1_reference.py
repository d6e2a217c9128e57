#!/usr/bin/env python3
"""FF1 (NIST SP 800-38G rev. 1, algorithms 7-9) written straight from the standard with Python's
big integers and the `cryptography` package's AES, as an independent check of the C++ limb
arithmetic in src/codes/ff1.cc. It produced the "reference" vectors in ff1_test.cc (long inputs,
radix 94, d > 16); the NIST samples are checked here too.

    python3 tests/codes/ff1_reference.py            # self-check against the NIST samples
    python3 tests/codes/ff1_reference.py KEYHEX RADIX TWEAKHEX N1,N2,...   # encrypt numerals
"""
import math
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def ciph(key, block):
    enc = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return enc.update(block) + enc.finalize()


def prf(key, x):
    y = bytes(16)
    for j in range(0, len(x), 16):
        y = ciph(key, bytes(a ^ b for a, b in zip(y, x[j:j + 16])))
    return y


def num_radix(x, radix):
    v = 0
    for d in x:
        v = v * radix + d
    return v


def str_radix(v, radix, m):
    out = [0] * m
    for i in range(m - 1, -1, -1):
        out[i] = v % radix
        v //= radix
    return out


def ff1(key, tweak, x, radix, encrypt=True):
    n, t = len(x), len(tweak)
    u = n // 2
    v = n - u
    a, b = x[:u], x[u:]
    # ceil(v * log2(radix)) exactly: bit length of radix^v - 1.
    beta = -(-(radix ** v - 1).bit_length() // 8)
    d = 4 * -(-beta // 4) + 4
    p = bytes([1, 2, 1]) + radix.to_bytes(3, "big") + bytes([10, u % 256]) + n.to_bytes(4, "big") + t.to_bytes(4, "big")
    rounds = range(10) if encrypt else range(9, -1, -1)
    for i in rounds:
        mac_half = b if encrypt else a
        q = tweak + bytes((-t - beta - 1) % 16) + bytes([i]) + num_radix(mac_half, radix).to_bytes(beta, "big")
        r = prf(key, p + q)
        s = r
        for j in range(1, math.ceil(d / 16)):
            s += ciph(key, bytes(x ^ y for x, y in zip(r, j.to_bytes(16, "big"))))
        y = int.from_bytes(s[:d], "big")
        m = u if i % 2 == 0 else v
        if encrypt:
            c = (num_radix(a, radix) + y) % radix ** m
            a, b = b, str_radix(c, radix, m)
        else:
            c = (num_radix(b, radix) - y) % radix ** m
            b, a = a, str_radix(c, radix, m)
    return a + b


def self_check():
    k128 = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3C")
    k256 = bytes.fromhex("2B7E151628AED2A6ABF7158809CF4F3CEF4359D8D580AA4F7F036D6F04FC6A94")
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    for key, tweak, radix, pt, ct in [
        (k128, "", 10, "0123456789", "2433477484"),
        (k256, "3737373770717273373737", 36, "0123456789abcdefghi", "xs8a0azh2avyalyzuwd"),
    ]:
        x = [digits.index(c) for c in pt]
        got = "".join(digits[d] for d in ff1(key, bytes.fromhex(tweak), x, radix))
        assert got == ct, (got, ct)
        back = ff1(key, bytes.fromhex(tweak), [digits.index(c) for c in ct], radix, encrypt=False)
        assert back == x
    print("NIST samples OK")


if __name__ == "__main__":
    if len(sys.argv) == 1:
        self_check()
    else:
        key, radix, tweak, numerals = sys.argv[1:5]
        x = [int(s) for s in numerals.split(",")]
        print(",".join(str(d) for d in ff1(bytes.fromhex(key), bytes.fromhex(tweak), x, int(radix))))
