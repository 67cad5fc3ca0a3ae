/* rd-mcs.h: the MCS Connect Initial / Connect Response with their GCC
 * Conference Create Request / Response and the basic settings blocks
 * (MS-RDPBCGR 2.2.1.3, 2.2.1.4; T.125 BER, T.124 PER), inside X.224 Data and
 * TPKT. Pure: bytes in, structs out.
 *
 * What Standard RDP Security is set to on a server shows only here: the
 * encryption level and method, the server's RDP version and its certificate.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "rd-proto-error.h"

G_BEGIN_DECLS

/* encryptionMethods / encryptionMethod (2.2.1.3.3, 2.2.1.4.3) */
#define RD_ENCRYPTION_METHOD_NONE   0x00000000u
#define RD_ENCRYPTION_METHOD_40BIT  0x00000001u
#define RD_ENCRYPTION_METHOD_128BIT 0x00000002u
#define RD_ENCRYPTION_METHOD_56BIT  0x00000008u
#define RD_ENCRYPTION_METHOD_FIPS   0x00000010u
#define RD_ENCRYPTION_METHODS_ALL   (RD_ENCRYPTION_METHOD_40BIT | RD_ENCRYPTION_METHOD_128BIT | \
                                     RD_ENCRYPTION_METHOD_56BIT | RD_ENCRYPTION_METHOD_FIPS)

/* encryptionLevel (2.2.1.4.3, 5.3.1) */
typedef enum
{
  RD_ENCRYPTION_LEVEL_NONE              = 0,
  RD_ENCRYPTION_LEVEL_LOW               = 1,
  RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE = 2,
  RD_ENCRYPTION_LEVEL_HIGH              = 3,
  RD_ENCRYPTION_LEVEL_FIPS              = 4,
} RdEncryptionLevel;

/* serverCertificate dwVersion, without the temporary bit 0x80000000 (2.2.1.4.3.1) */
#define RD_CERT_CHAIN_VERSION_1 1u  /* proprietary certificate (2.2.1.4.3.1.1) */
#define RD_CERT_CHAIN_VERSION_2 2u  /* X.509 certificate chain */

/* T.125 Result of the Connect-Response */
#define RD_MCS_RESULT_SUCCESSFUL 0

/* 2.2.1.3.4: at most 31 static virtual channels */
#define RD_MCS_MAX_CHANNELS 31

typedef struct
{
  char    name[8];   /* up to 7 ASCII characters and a NUL */
  guint32 options;
} RdMcsChannelDef;

/* What the client says (2.2.1.3.2–2.2.1.3.5). The core data is always encoded
 * up to serverSelectedProtocol; the decoder reads the optional fields that are
 * there and leaves the rest zero. Strings are UTF-8 here, UTF-16LE on the wire. */
typedef struct
{
  /* TS_UD_CS_CORE */
  guint32  version;
  guint16  desktop_width;
  guint16  desktop_height;
  guint16  color_depth;
  guint16  sas_sequence;
  guint32  keyboard_layout;
  guint32  client_build;
  char    *client_name;             /* at most 15 characters */
  guint32  keyboard_type;
  guint32  keyboard_subtype;
  guint32  keyboard_function_key;
  guint16  post_beta2_color_depth;
  guint16  client_product_id;
  guint32  serial_number;
  guint16  high_color_depth;
  guint16  supported_color_depths;
  guint16  early_capability_flags;
  char    *client_dig_product_id;   /* at most 31 characters */
  guint8   connection_type;
  guint32  server_selected_protocol;
  /* TS_UD_CS_CLUSTER, when has_cluster */
  gboolean has_cluster;
  guint32  cluster_flags;
  guint32  redirected_session_id;
  /* TS_UD_CS_SEC */
  guint32  encryption_methods;      /* RD_ENCRYPTION_METHOD_* */
  guint32  ext_encryption_methods;
  /* TS_UD_CS_NET, when has_network */
  gboolean        has_network;
  guint           n_channels;
  RdMcsChannelDef channels[RD_MCS_MAX_CHANNELS];
} RdMcsConnectInitial;

/* What the server answers (2.2.1.4.2–2.2.1.4.4). */
typedef struct
{
  guint32  result;                       /* T.125 Result; RD_MCS_RESULT_SUCCESSFUL */
  gboolean has_user_data;                /* FALSE when only a result came (3.3.5.3.3.1) */
  /* TS_UD_SC_CORE */
  guint32  version;
  gboolean has_client_requested_protocols;
  guint32  client_requested_protocols;
  gboolean has_early_capability_flags;
  guint32  early_capability_flags;
  /* TS_UD_SC_SEC1 */
  guint32  encryption_method;            /* RD_ENCRYPTION_METHOD_* */
  guint32  encryption_level;             /* RdEncryptionLevel, or an unknown value */
  guint32  server_random_length;
  guint32  server_cert_length;
  guint32  cert_version;                 /* dwVersion & 0x7fffffff, 0 without a certificate */
  gboolean cert_temporary;               /* dwVersion has 0x80000000 */
  GBytes  *server_random;                /* NULL when serverRandomLen is 0 */
  GBytes  *server_cert;                  /* NULL when serverCertLen is 0 */
  /* TS_UD_SC_NET, when has_network */
  gboolean has_network;
  guint16  mcs_channel_id;
  guint    n_channels;
  guint16  channel_ids[RD_MCS_MAX_CHANNELS];
} RdMcsConnectResponse;

/* The Connect Initial a diagnosis sends: no channels, every encryption method
 * offered (so that one answer says how the server is set), and
 * @server_selected_protocol as the X.224 negotiation ended. */
void     rd_mcs_connect_initial_init_probe    (RdMcsConnectInitial        *initial,
                                               guint32                     server_selected_protocol);
GBytes  *rd_mcs_encode_connect_initial        (const RdMcsConnectInitial  *initial);
/* Decoders take exactly one TPKT (bytes after its length are an error) and
 * leave their output zeroed when they fail; a proper prefix of a valid PDU
 * always fails with RD_PROTO_ERROR_TRUNCATED, a length field that runs past
 * its container with RD_PROTO_ERROR_OVERSIZED. */
gboolean rd_mcs_decode_connect_initial        (const guint8               *data,
                                               gsize                       length,
                                               RdMcsConnectInitial        *initial,
                                               GError                    **error);
void     rd_mcs_connect_initial_clear         (RdMcsConnectInitial        *initial);

GBytes  *rd_mcs_encode_connect_response       (const RdMcsConnectResponse *response);
gboolean rd_mcs_decode_connect_response       (const guint8               *data,
                                               gsize                       length,
                                               RdMcsConnectResponse       *response,
                                               GError                    **error);
void     rd_mcs_connect_response_clear        (RdMcsConnectResponse       *response);

/* Stable English report keys: "none", "low", "client-compatible", "high",
 * "fips"; NULL for an unknown level. */
const char *rd_encryption_level_to_string     (guint32 level);
/* "none", "40bit", "56bit", "128bit", "fips"; NULL for anything but one of them */
const char *rd_encryption_method_to_string    (guint32 method);
/* The server versions Server Core Data names (2.2.1.4.2): "RDP 4.0",
 * "RDP 5.0 to 8.1", "RDP 10.0" … "RDP 10.12"; NULL for another value. */
const char *rd_rdp_version_to_string          (guint32 version);
/* The methods the encryption level allows, as MS-RDPBCGR 5.3.6 tabulates
 * them (None: none; Low and Client Compatible: 40, 56 and 128-bit; High:
 * 128-bit; FIPS: FIPS); 0 for an unknown level. */
guint32     rd_encryption_level_allowed_methods (guint32 level);
/* The method a server at @level picks from @offered, by 5.3.2.1: the highest
 * the client offers for Low and Client Compatible, 128-bit for High, FIPS for
 * FIPS, none for None. FALSE when no method can be picked (the server then
 * closes the connection). */
gboolean    rd_encryption_level_expected_method (guint32  level,
                                                 guint32  offered,
                                                 guint32 *method);

G_END_DECLS
