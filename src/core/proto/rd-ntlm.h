/* rd-ntlm.h: NTLM NEGOTIATE and CHALLENGE messages (MS-NLMP 2.2.1.1, 2.2.1.2,
 * 2.2.2.1, 2.2.2.10; rdp-facts.md §1.6). Pure: bytes in, structs out.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "rd-proto-error.h"

G_BEGIN_DECLS

/* NegotiateFlags (MS-NLMP 2.2.2.5) */
#define RD_NTLM_NEGOTIATE_UNICODE                   0x00000001u
#define RD_NTLM_NEGOTIATE_OEM                       0x00000002u
#define RD_NTLM_REQUEST_TARGET                      0x00000004u
#define RD_NTLM_NEGOTIATE_SIGN                      0x00000010u
#define RD_NTLM_NEGOTIATE_SEAL                      0x00000020u
#define RD_NTLM_NEGOTIATE_DATAGRAM                  0x00000040u
#define RD_NTLM_NEGOTIATE_LM_KEY                    0x00000080u
#define RD_NTLM_NEGOTIATE_NTLM                      0x00000200u
#define RD_NTLM_NEGOTIATE_ANONYMOUS                 0x00000800u
#define RD_NTLM_NEGOTIATE_OEM_DOMAIN_SUPPLIED       0x00001000u
#define RD_NTLM_NEGOTIATE_OEM_WORKSTATION_SUPPLIED  0x00002000u
#define RD_NTLM_NEGOTIATE_ALWAYS_SIGN               0x00008000u
#define RD_NTLM_TARGET_TYPE_DOMAIN                  0x00010000u
#define RD_NTLM_TARGET_TYPE_SERVER                  0x00020000u
#define RD_NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY  0x00080000u
#define RD_NTLM_NEGOTIATE_IDENTIFY                  0x00100000u
#define RD_NTLM_REQUEST_NON_NT_SESSION_KEY          0x00400000u
#define RD_NTLM_NEGOTIATE_TARGET_INFO               0x00800000u
#define RD_NTLM_NEGOTIATE_VERSION                   0x02000000u
#define RD_NTLM_NEGOTIATE_128                       0x20000000u
#define RD_NTLM_NEGOTIATE_KEY_EXCH                  0x40000000u
#define RD_NTLM_NEGOTIATE_56                        0x80000000u

/* What rd_ntlm_encode_negotiate() asks for: the flags and VERSION of a
 * Windows 10 client, as nmap's rdp-ntlm-info sends them (0xE20882B7,
 * 10.0.17763, NTLMSSP_REVISION_W2K3). */
#define RD_NTLM_CLIENT_NEGOTIATE_FLAGS \
  (RD_NTLM_NEGOTIATE_56 | RD_NTLM_NEGOTIATE_KEY_EXCH | RD_NTLM_NEGOTIATE_128 | \
   RD_NTLM_NEGOTIATE_VERSION | RD_NTLM_NEGOTIATE_EXTENDED_SESSIONSECURITY | \
   RD_NTLM_NEGOTIATE_ALWAYS_SIGN | RD_NTLM_NEGOTIATE_NTLM | RD_NTLM_NEGOTIATE_LM_KEY | \
   RD_NTLM_NEGOTIATE_SEAL | RD_NTLM_NEGOTIATE_SIGN | RD_NTLM_REQUEST_TARGET | \
   RD_NTLM_NEGOTIATE_OEM | RD_NTLM_NEGOTIATE_UNICODE)
#define RD_NTLM_CLIENT_VERSION_MAJOR 10
#define RD_NTLM_CLIENT_VERSION_MINOR 0
#define RD_NTLM_CLIENT_VERSION_BUILD 17763
#define RD_NTLM_REVISION_W2K3        0x0f

typedef struct
{
  guint32  negotiate_flags;
  guint8   server_challenge[8];
  char    *target_name;        /* UTF-8, or NULL */
  char    *nb_computer;        /* MsvAvNbComputerName, UTF-8, or NULL */
  char    *nb_domain;          /* MsvAvNbDomainName */
  char    *dns_computer;       /* MsvAvDnsComputerName */
  char    *dns_domain;         /* MsvAvDnsDomainName */
  char    *dns_tree;           /* MsvAvDnsTreeName */
  gboolean has_av_flags;
  guint32  av_flags;           /* MsvAvFlags */
  gboolean has_timestamp;
  guint64  timestamp;          /* MsvAvTimestamp: FILETIME, 100 ns ticks since 1601-01-01 UTC */
  gboolean has_version;        /* the VERSION structure was there and flagged */
  guint8   version_major;
  guint8   version_minor;
  guint16  version_build;
  guint8   ntlm_revision;
} RdNtlmChallenge;

/* The decoder reads TargetName and TargetInfo whenever they are non-empty,
 * whatever the flags say; a field or AV pair running past the end is
 * RD_PROTO_ERROR_TRUNCATED, bad UTF-16 (a NUL included) or a wrong fixed size is
 * RD_PROTO_ERROR_INVALID. @challenge is left zeroed on failure.
 *
 * A NEGOTIATE_MESSAGE asking for what a Windows client asks for, with a VERSION;
 * it carries no user, domain or workstation name. */
GBytes  *rd_ntlm_encode_negotiate    (void);
gboolean rd_ntlm_decode_challenge    (const guint8          *data,
                                      gsize                  length,
                                      RdNtlmChallenge       *challenge,
                                      GError               **error);
/* For the scripted test server: builds a CHALLENGE from @challenge's fields.
 * NULL strings and has_av_flags/has_timestamp FALSE leave those AV pairs out,
 * and the pairs go in the order Windows sends them. has_version TRUE also sets
 * NTLMSSP_NEGOTIATE_VERSION. The TargetInfo is left out altogether (all its
 * fields 0, as in MS-NLMP 4.2.2.3) when there is no AV pair to send and
 * negotiate_flags lacks NTLMSSP_NEGOTIATE_TARGET_INFO. */
GBytes  *rd_ntlm_encode_challenge    (const RdNtlmChallenge *challenge);
void     rd_ntlm_challenge_clear     (RdNtlmChallenge       *challenge);

/* FILETIME → Unix time in microseconds */
gint64   rd_ntlm_filetime_to_unix_us (guint64 filetime);
guint64  rd_ntlm_unix_us_to_filetime (gint64  unix_us);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RdNtlmChallenge, rd_ntlm_challenge_clear)

G_END_DECLS
