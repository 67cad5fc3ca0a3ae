/* rd-proto-test-vectors.h: the byte vectors more than one wire-format test uses
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

/* MS-NLMP 4.2.4.3 "Messages" (NTLMv2 Authentication), the CHALLENGE_MESSAGE:
 * https://learn.microsoft.com/en-us/openspecs/windows_protocols/ms-nlmp/bc612491-fb0b-4829-91bc-7c6b95ff67fe
 * Copied byte for byte. Found with the code search: the same 104 bytes are in
 * a dozen public NTLM test suites that cite this section; one Python copy has
 * 03 00 for TargetNameLen at offset 12, a typo the others do not share. */
#define SPEC_4_2_4_3 \
  "4e 54 4c 4d 53 53 50 00 02 00 00 00 0c 00 0c 00" \
  "38 00 00 00 33 82 8a e2 01 23 45 67 89 ab cd ef" \
  "00 00 00 00 00 00 00 00 24 00 24 00 44 00 00 00" \
  "06 00 70 17 00 00 00 0f 53 00 65 00 72 00 76 00" \
  "65 00 72 00 02 00 0c 00 44 00 6f 00 6d 00 61 00" \
  "69 00 6e 00 01 00 0c 00 53 00 65 00 72 00 76 00" \
  "65 00 72 00 00 00 00 00"

/* MS-NLMP 4.2.2.3 "Messages" (NTLM v1 Authentication), the CHALLENGE_MESSAGE:
 * no TargetInfo (its fields are all zero), so no AV pairs. Four agreeing
 * copies; one public copy drops the 16 zero bytes at 0x20 and is wrong. */
#define SPEC_4_2_2_3 \
  "4e 54 4c 4d 53 53 50 00 02 00 00 00 0c 00 0c 00" \
  "38 00 00 00 33 82 02 e2 01 23 45 67 89 ab cd ef" \
  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "06 00 70 17 00 00 00 0f 53 00 65 00 72 00 76 00" \
  "65 00 72 00"

/* The CHALLENGE inside the server TSRequest of wallix/redemption
 * tests/core/RDP/nla/test_nla.cpp (commit 0099a12d, TestNlaclient): no
 * TargetName, five AV pairs with an MsvAvTimestamp, VERSION 5.1.2600. Not a
 * Windows capture: its flags lack NEGOTIATE_TARGET_INFO although a TargetInfo
 * is there, which the decoder must still read. */
#define REDEMPTION_WIN7 \
  "4e 54 4c 4d 53 53 50 00 02 00 00 00 00 00 00 00" \
  "38 00 00 00 b7 82 08 e2 b8 6c da a6 f0 f6 30 8d" \
  "00 00 00 00 00 00 00 00 40 00 40 00 38 00 00 00" \
  "05 01 28 0a 00 00 00 0f 01 00 08 00 57 00 49 00" \
  "4e 00 37 00 02 00 08 00 57 00 49 00 4e 00 37 00" \
  "03 00 08 00 77 00 69 00 6e 00 37 00 04 00 08 00" \
  "77 00 69 00 6e 00 37 00 07 00 08 00 67 95 0e 5a" \
  "4e 56 76 d6 00 00 00 00"

/* nmap scripts/rdp-ntlm-info.nse NTLM_NEGOTIATE_BLOB without its TSRequest
 * wrapper: "NTLMSSP Negotiate request mimicking a Windows 10 client". */
#define NMAP_NEGOTIATE \
  "4e 54 4c 4d 53 53 50 00 01 00 00 00 b7 82 08 e2" \
  "00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "0a 00 63 45 00 00 00 0f"

/* nmap scripts/rdp-ntlm-info.nse NTLM_NEGOTIATE_BLOB as sent: a TSRequest of
 * version 0x60 (96) around NMAP_NEGOTIATE. */
#define NMAP_TSREQUEST_NEGOTIATE \
  "30 37 a0 03 02 01 60 a1 30 30 2e 30 2c a0 2a 04" \
  "28 4e 54 4c 4d 53 53 50 00 01 00 00 00 b7 82 08" \
  "e2 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00" \
  "00 0a 00 63 45 00 00 00 0f"

/* CredSSP TSRequests from wallix/redemption tests/core/RDP/nla/test_nla.cpp
 * (commit 0099a12d22e5, TestNlaclient), a FreeRDP-derived RDP proxy's own
 * client/server exchange. MS-CSSP has no example messages of its own. */
/* Client, version 6: negoTokens = NEGOTIATE (6.1.7601). */
#define REDEMPTION_TSREQUEST_NEGOTIATE \
  "30 37 a0 03 02 01 06 a1 30 30 2e 30 2c a0 2a 04" \
  "28 4e 54 4c 4d 53 53 50 00 01 00 00 00 b7 82 08" \
  "e2 00 00 00 00 28 00 00 00 00 00 00 00 28 00 00" \
  "00 06 01 b1 1d 00 00 00 0f"

/* Server, version 2, long-form length 0x81: negoTokens = REDEMPTION_WIN7. */
#define REDEMPTION_TSREQUEST_CHALLENGE \
  "30 81 88 a0 03 02 01 02 a1 81 80 30 7e 30 7c a0" \
  "7a 04 78 4e 54 4c 4d 53 53 50 00 02 00 00 00 00" \
  "00 00 00 38 00 00 00 b7 82 08 e2 b8 6c da a6 f0" \
  "f6 30 8d 00 00 00 00 00 00 00 00 40 00 40 00 38" \
  "00 00 00 05 01 28 0a 00 00 00 0f 01 00 08 00 57" \
  "00 49 00 4e 00 37 00 02 00 08 00 57 00 49 00 4e" \
  "00 37 00 03 00 08 00 77 00 69 00 6e 00 37 00 04" \
  "00 08 00 77 00 69 00 6e 00 37 00 07 00 08 00 67" \
  "95 0e 5a 4e 56 76 d6 00 00 00 00"

/* Client, version 6, length 0x82 0x0159: negoTokens = AUTHENTICATE, and pubKeyAuth. */
#define REDEMPTION_TSREQUEST_AUTHENTICATE \
  "30 82 01 59 a0 03 02 01 06 a1 82 01 2c 30 82 01" \
  "28 30 82 01 24 a0 82 01 20 04 82 01 1c 4e 54 4c" \
  "4d 53 53 50 00 03 00 00 00 18 00 18 00 58 00 00" \
  "00 70 00 70 00 70 00 00 00 0e 00 0e 00 e0 00 00" \
  "00 0c 00 0c 00 ee 00 00 00 12 00 12 00 fa 00 00" \
  "00 10 00 10 00 0c 01 00 00 35 a2 88 e2 06 01 b1" \
  "1d 00 00 00 0f 9d 98 e1 30 dc 7a ce 81 a9 7a 11" \
  "14 7d 5d 73 d0 34 be b5 6e ce ec 0a 50 2d 29 63" \
  "7f cc 5e e7 18 b8 6c da a6 f0 f6 30 8d a6 41 cc" \
  "7a 52 8e 7a b3 06 7d 0b e0 00 d5 f6 13 01 01 00" \
  "00 00 00 00 00 67 95 0e 5a 4e 56 76 d6 b8 6c da" \
  "a6 f0 f6 30 8d 00 00 00 00 01 00 08 00 57 00 49" \
  "00 4e 00 37 00 02 00 08 00 57 00 49 00 4e 00 37" \
  "00 03 00 08 00 77 00 69 00 6e 00 37 00 04 00 08" \
  "00 77 00 69 00 6e 00 37 00 07 00 08 00 67 95 0e" \
  "5a 4e 56 76 d6 00 00 00 00 00 00 00 00 49 00 74" \
  "00 68 00 61 00 71 00 75 00 65 00 55 00 6c 00 79" \
  "00 73 00 73 00 65 00 54 00 e9 00 6c 00 e9 00 6d" \
  "00 61 00 71 00 75 00 65 00 44 bc 4d 7a 13 3f 6b" \
  "81 db 1d 2b 7b bf 1e 18 0f a3 22 04 20 01 00 00" \
  "00 89 e2 da 48 17 29 b5 08 00 00 00 00 20 59 27" \
  "3f 08 d0 c2 e4 75 66 10 49 7b bd 8d f7"

/* Client, version 6: authInfo (encrypted TSCredentials). */
#define REDEMPTION_TSREQUEST_AUTH_INFO \
  "30 5c a0 03 02 01 06 a2 55 04 53 01 00 00 00 af" \
  "ad 46 2a 6a 9d f7 88 01 00 00 00 d5 4f c8 d0 bd" \
  "89 60 e0 71 60 31 7a cc ec c5 bf 23 4b e5 f9 a5" \
  "8c 21 66 a6 78 da d1 bd ef a4 fd 47 a6 f1 56 a5" \
  "d9 52 72 92 fa 41 a5 b4 9d 94 fb 0e e2 61 ba fc" \
  "d5 f3 a7 b5 33 d5 62 8d 93 18 54 39 8a e7"

/* Server, version 2: pubKeyAuth. */
#define REDEMPTION_TSREQUEST_PUB_KEY_AUTH \
  "30 29 a0 03 02 01 02 a3 22 04 20 01 00 00 00 a2" \
  "e0 5b 50 97 8e 99 27 00 00 00 00 dc a7 0b fe 37" \
  "45 3d 1b 05 15 ce 56 0a 54 a1 f1"
