/* rd-mcs.c: MCS Connect Initial / Connect Response with GCC Conference Create
 * Request / Response (MS-RDPBCGR 2.2.1.3, 2.2.1.4)
 *
 * Only the parts of T.125 BER and T.124 PER these two PDUs use: definite BER
 * lengths of up to two bytes, PER lengths of up to two bytes, and the fixed
 * GCC fields MS-RDPBCGR 3.2.5.3.3 and 3.3.5.3.4 prescribe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-mcs"

#include "config.h"

#include <string.h>

#include "rd-mcs.h"
#include "rd-proto-reader.h"
#include "rd-x224.h"

/* TPKT (RFC 1006) and the X.224 Class 0 Data TPDU (X.224 13.7): LI = 2,
 * code 0xF0, EOT 0x80 */
#define TPKT_VERSION        3

#define X224_DATA_LENGTH    3
#define DATA_HEADER_END     (RD_TPKT_HEADER_LENGTH + X224_DATA_LENGTH)

/* T.125 7, part 2: [APPLICATION 101] Connect-Initial, [APPLICATION 102]
 * Connect-Response, in BER's two-byte high tag form */
#define BER_TAG_CONNECT_INITIAL   0x65
#define BER_TAG_CONNECT_RESPONSE  0x66
#define BER_TAG_BOOLEAN           0x01
#define BER_TAG_INTEGER           0x02
#define BER_TAG_OCTET_STRING      0x04
#define BER_TAG_ENUMERATED        0x0a
#define BER_TAG_SEQUENCE          0x30

/* User data block types (2.2.1.3.1, 2.2.1.4.1) */
#define CS_CORE     0xc001
#define CS_SECURITY 0xc002
#define CS_NET      0xc003
#define CS_CLUSTER  0xc004
#define SC_CORE     0x0c01
#define SC_SECURITY 0x0c02
#define SC_NET      0x0c03

#define CORE_NAME_UNITS      16  /* clientName: 32 bytes of UTF-16 */
#define CORE_IME_BYTES       64
#define CORE_DIG_ID_UNITS    32  /* clientDigProductId: 64 bytes */
/* TS_UD_CS_CORE up to imeFileName, the part that is always there */
#define CORE_REQUIRED_LENGTH 128

#define CERT_TEMPORARY 0x80000000u

/* T.124 ConnectData: the t124Identifier object key {0 0 20 124 0 1} */
static const guint8 t124_key[] = { 0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01 };

/* ConferenceCreateRequest (3.2.5.3.3): conferenceName "1", one user data set
 * under the H.221 key "Duca" */
static const guint8 gcc_request[] = {
  0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00, 'D', 'u', 'c', 'a',
};

/* ConferenceCreateResponse (3.3.5.3.4, 4.1.4): nodeID 0x760a, tag 1, result
 * success, one user data set under the H.221 key "McDn" */
static const guint8 gcc_response[] = {
  0x14, 0x76, 0x0a, 0x01, 0x01, 0x00, 0x01, 0xc0, 0x00, 'M', 'c', 'D', 'n',
};

/* The connectPDU length Windows writes in the response whatever follows
 * (4.1.4); 3.2.5.3.4 tells clients to ignore it. */
#define GCC_RESPONSE_CONNECT_PDU_LENGTH 0x2a

/* Connect-Initial domain parameters as 3.2.5.3.3 sets them (target, minimum,
 * maximum); the INTEGERs are written as 4.1.3 writes them. */
static const guint8 domain_parameters_initial[] = {
  0x30, 0x19, 0x02, 0x01, 0x22, 0x02, 0x01, 0x02, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01,
  0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x02, 0xff, 0xff, 0x02, 0x01, 0x02,
  0x30, 0x19, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01,
  0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x02, 0x04, 0x20, 0x02, 0x01, 0x02,
  0x30, 0x1c, 0x02, 0x02, 0xff, 0xff, 0x02, 0x02, 0xfc, 0x17, 0x02, 0x02, 0xff, 0xff,
  0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x02, 0xff, 0xff,
  0x02, 0x01, 0x02,
};

/* Connect-Response: calledConnectId 0 and the domain parameters of 4.1.4 */
static const guint8 response_middle[] = {
  0x02, 0x01, 0x00,
  0x30, 0x1a, 0x02, 0x01, 0x22, 0x02, 0x01, 0x03, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01,
  0x02, 0x01, 0x00, 0x02, 0x01, 0x01, 0x02, 0x03, 0x00, 0xff, 0xf8, 0x02, 0x01, 0x02,
};

/* ---- writing ------------------------------------------------------------ */

static void
put_ber_length (GByteArray *out,
                gsize       length)
{
  g_assert (length <= G_MAXUINT16);

  if (length < 0x80)
    {
      rd_proto_put_u8 (out, (guint8) length);
    }
  else if (length <= 0xff)
    {
      rd_proto_put_u8 (out, 0x81);
      rd_proto_put_u8 (out, (guint8) length);
    }
  else
    {
      rd_proto_put_u8 (out, 0x82);
      rd_proto_put_u16_be (out, (guint16) length);
    }
}

static void
put_per_length (GByteArray *out,
                gsize       length)
{
  g_assert (length <= 0x7fff);

  if (length < 0x80)
    rd_proto_put_u8 (out, (guint8) length);
  else
    rd_proto_put_u16_be (out, (guint16) (0x8000 | length));
}

static void
put_bytes (GByteArray   *out,
           const guint8 *data,
           gsize         length)
{
  g_byte_array_append (out, data, (guint) length);
}

/* A NUL-terminated UTF-16LE string in a field of @units code units. */
static void
put_utf16_field (GByteArray *out,
                 const char *text,
                 guint       units)
{
  g_autofree gunichar2 *utf16 = NULL;
  glong written = 0;

  if (text != NULL)
    utf16 = g_utf8_to_utf16 (text, -1, NULL, &written, NULL);
  g_assert (written < (glong) units);

  for (guint i = 0; i < units; i++)
    rd_proto_put_u16_le (out, i < (guint) written ? utf16[i] : 0);
}

static void
start_block (GByteArray *out,
             guint16     type,
             gsize      *start)
{
  *start = out->len;
  rd_proto_put_u16_le (out, type);
  rd_proto_put_u16_le (out, 0);
}

static void
end_block (GByteArray *out,
           gsize       start)
{
  rd_proto_set_u16_le_at (out, start + 2, (guint16) (out->len - start));
}

/* TPKT + X.224 Data around @mcs */
static GBytes *
wrap_data (GByteArray *mcs)
{
  GByteArray *out = g_byte_array_sized_new (DATA_HEADER_END + mcs->len);

  g_assert (DATA_HEADER_END + mcs->len <= G_MAXUINT16);
  rd_proto_put_u8 (out, TPKT_VERSION);
  rd_proto_put_u8 (out, 0);
  rd_proto_put_u16_be (out, (guint16) (DATA_HEADER_END + mcs->len));
  rd_proto_put_u8 (out, 0x02);
  rd_proto_put_u8 (out, 0xf0);
  rd_proto_put_u8 (out, 0x80);
  put_bytes (out, mcs->data, mcs->len);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
utf16_fits (const char *text,
            guint       units)
{
  g_autofree gunichar2 *utf16 = NULL;
  glong written = 0;

  if (text == NULL)
    return TRUE;
  utf16 = g_utf8_to_utf16 (text, -1, NULL, &written, NULL);
  return utf16 != NULL && written < (glong) units;
}

void
rd_mcs_connect_initial_init_probe (RdMcsConnectInitial *initial,
                                   guint32              server_selected_protocol)
{
  g_return_if_fail (initial != NULL);

  memset (initial, 0, sizeof *initial);
  /* An RDP 5.x to 8.x client (2.2.1.3.2), 1024x768 in 8 bpp with 24 bpp
   * offered: what every server accepts. */
  initial->version = 0x00080004;
  initial->desktop_width = 1024;
  initial->desktop_height = 768;
  initial->color_depth = 0xca01;             /* RNS_UD_COLOR_8BPP */
  initial->sas_sequence = 0xaa03;            /* RNS_UD_SAS_DEL */
  initial->keyboard_layout = 0x409;
  initial->client_name = g_strdup ("rdp-doctor");
  initial->keyboard_type = 4;                /* IBM enhanced (101- or 102-key) */
  initial->keyboard_function_key = 12;
  initial->post_beta2_color_depth = 0xca01;
  initial->client_product_id = 1;
  initial->high_color_depth = 24;
  initial->supported_color_depths = 0x0007;  /* 24, 16 and 15 bpp */
  initial->early_capability_flags = 0x0001;  /* RNS_UD_CS_SUPPORT_ERRINFO_PDU */
  initial->server_selected_protocol = server_selected_protocol;
  initial->encryption_methods = RD_ENCRYPTION_METHODS_ALL;
  initial->has_network = TRUE;
}

GBytes *
rd_mcs_encode_connect_initial (const RdMcsConnectInitial *initial)
{
  g_autoptr(GByteArray) blocks = g_byte_array_new ();
  g_autoptr(GByteArray) gcc = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) mcs = g_byte_array_new ();
  static const guint8 ime[CORE_IME_BYTES] = { 0 };
  static const guint8 selectors[] = { 0x04, 0x01, 0x01, 0x04, 0x01, 0x01, 0x01, 0x01, 0xff };
  gsize block;

  g_return_val_if_fail (initial != NULL, NULL);
  g_return_val_if_fail (initial->n_channels <= RD_MCS_MAX_CHANNELS, NULL);
  g_return_val_if_fail (initial->has_network || initial->n_channels == 0, NULL);
  g_return_val_if_fail (utf16_fits (initial->client_name, CORE_NAME_UNITS), NULL);
  g_return_val_if_fail (utf16_fits (initial->client_dig_product_id, CORE_DIG_ID_UNITS), NULL);

  /* TS_UD_CS_CORE (2.2.1.3.2), through serverSelectedProtocol */
  start_block (blocks, CS_CORE, &block);
  rd_proto_put_u32_le (blocks, initial->version);
  rd_proto_put_u16_le (blocks, initial->desktop_width);
  rd_proto_put_u16_le (blocks, initial->desktop_height);
  rd_proto_put_u16_le (blocks, initial->color_depth);
  rd_proto_put_u16_le (blocks, initial->sas_sequence);
  rd_proto_put_u32_le (blocks, initial->keyboard_layout);
  rd_proto_put_u32_le (blocks, initial->client_build);
  put_utf16_field (blocks, initial->client_name, CORE_NAME_UNITS);
  rd_proto_put_u32_le (blocks, initial->keyboard_type);
  rd_proto_put_u32_le (blocks, initial->keyboard_subtype);
  rd_proto_put_u32_le (blocks, initial->keyboard_function_key);
  put_bytes (blocks, ime, sizeof ime);
  rd_proto_put_u16_le (blocks, initial->post_beta2_color_depth);
  rd_proto_put_u16_le (blocks, initial->client_product_id);
  rd_proto_put_u32_le (blocks, initial->serial_number);
  rd_proto_put_u16_le (blocks, initial->high_color_depth);
  rd_proto_put_u16_le (blocks, initial->supported_color_depths);
  rd_proto_put_u16_le (blocks, initial->early_capability_flags);
  put_utf16_field (blocks, initial->client_dig_product_id, CORE_DIG_ID_UNITS);
  rd_proto_put_u8 (blocks, initial->connection_type);
  rd_proto_put_u8 (blocks, 0);  /* pad1octet */
  rd_proto_put_u32_le (blocks, initial->server_selected_protocol);
  end_block (blocks, block);

  /* 4.1.3 puts the cluster data before the security data */
  if (initial->has_cluster)
    {
      start_block (blocks, CS_CLUSTER, &block);
      rd_proto_put_u32_le (blocks, initial->cluster_flags);
      rd_proto_put_u32_le (blocks, initial->redirected_session_id);
      end_block (blocks, block);
    }

  start_block (blocks, CS_SECURITY, &block);
  rd_proto_put_u32_le (blocks, initial->encryption_methods);
  rd_proto_put_u32_le (blocks, initial->ext_encryption_methods);
  end_block (blocks, block);

  if (initial->has_network)
    {
      start_block (blocks, CS_NET, &block);
      rd_proto_put_u32_le (blocks, initial->n_channels);
      for (guint i = 0; i < initial->n_channels; i++)
        {
          guint8 name[8] = { 0 };

          strncpy ((char *) name, initial->channels[i].name, sizeof name - 1);
          put_bytes (blocks, name, sizeof name);
          rd_proto_put_u32_le (blocks, initial->channels[i].options);
        }
      end_block (blocks, block);
    }

  /* T.124 ConnectData around the ConferenceCreateRequest (T.124 9.5, 9.6) */
  put_bytes (gcc, t124_key, sizeof t124_key);
  put_per_length (gcc, sizeof gcc_request + (blocks->len < 0x80 ? 1 : 2) + blocks->len);
  put_bytes (gcc, gcc_request, sizeof gcc_request);
  put_per_length (gcc, blocks->len);
  put_bytes (gcc, blocks->data, blocks->len);

  /* T.125 Connect-Initial */
  put_bytes (body, selectors, sizeof selectors);
  put_bytes (body, domain_parameters_initial, sizeof domain_parameters_initial);
  rd_proto_put_u8 (body, BER_TAG_OCTET_STRING);
  put_ber_length (body, gcc->len);
  put_bytes (body, gcc->data, gcc->len);

  rd_proto_put_u8 (mcs, 0x7f);
  rd_proto_put_u8 (mcs, BER_TAG_CONNECT_INITIAL);
  put_ber_length (mcs, body->len);
  put_bytes (mcs, body->data, body->len);

  return wrap_data (mcs);
}

GBytes *
rd_mcs_encode_connect_response (const RdMcsConnectResponse *response)
{
  g_autoptr(GByteArray) blocks = g_byte_array_new ();
  g_autoptr(GByteArray) gcc = g_byte_array_new ();
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) mcs = g_byte_array_new ();
  gsize random_length, cert_length;
  gsize block;

  g_return_val_if_fail (response != NULL, NULL);
  g_return_val_if_fail (response->n_channels <= RD_MCS_MAX_CHANNELS, NULL);
  g_return_val_if_fail (response->result <= 0xff, NULL);
  g_return_val_if_fail (!response->has_early_capability_flags ||
                        response->has_client_requested_protocols, NULL);

  rd_proto_put_u8 (body, BER_TAG_ENUMERATED);
  rd_proto_put_u8 (body, 1);
  rd_proto_put_u8 (body, (guint8) response->result);

  if (response->has_user_data)
    {
      /* TS_UD_SC_CORE (2.2.1.4.2) */
      start_block (blocks, SC_CORE, &block);
      rd_proto_put_u32_le (blocks, response->version);
      if (response->has_client_requested_protocols)
        rd_proto_put_u32_le (blocks, response->client_requested_protocols);
      if (response->has_early_capability_flags)
        rd_proto_put_u32_le (blocks, response->early_capability_flags);
      end_block (blocks, block);

      /* TS_UD_SC_NET (2.2.1.4.4), padded to a multiple of four bytes */
      if (response->has_network)
        {
          start_block (blocks, SC_NET, &block);
          rd_proto_put_u16_le (blocks, response->mcs_channel_id);
          rd_proto_put_u16_le (blocks, (guint16) response->n_channels);
          for (guint i = 0; i < response->n_channels; i++)
            rd_proto_put_u16_le (blocks, response->channel_ids[i]);
          if (response->n_channels % 2 == 1)
            rd_proto_put_u16_le (blocks, 0);
          end_block (blocks, block);
        }

      /* TS_UD_SC_SEC1 (2.2.1.4.3): the random and the certificate only when
       * there is encryption */
      start_block (blocks, SC_SECURITY, &block);
      rd_proto_put_u32_le (blocks, response->encryption_method);
      rd_proto_put_u32_le (blocks, response->encryption_level);
      if (response->encryption_method != 0 || response->encryption_level != 0)
        {
          random_length = response->server_random != NULL ? g_bytes_get_size (response->server_random) : 0;
          cert_length = response->server_cert != NULL ? g_bytes_get_size (response->server_cert) : 0;
          rd_proto_put_u32_le (blocks, (guint32) random_length);
          rd_proto_put_u32_le (blocks, (guint32) cert_length);
          if (random_length > 0)
            put_bytes (blocks, g_bytes_get_data (response->server_random, NULL), random_length);
          if (cert_length > 0)
            put_bytes (blocks, g_bytes_get_data (response->server_cert, NULL), cert_length);
        }
      end_block (blocks, block);

      put_bytes (gcc, t124_key, sizeof t124_key);
      put_per_length (gcc, GCC_RESPONSE_CONNECT_PDU_LENGTH);
      put_bytes (gcc, gcc_response, sizeof gcc_response);
      put_per_length (gcc, blocks->len);
      put_bytes (gcc, blocks->data, blocks->len);

      put_bytes (body, response_middle, sizeof response_middle);
      rd_proto_put_u8 (body, BER_TAG_OCTET_STRING);
      put_ber_length (body, gcc->len);
      put_bytes (body, gcc->data, gcc->len);
    }

  rd_proto_put_u8 (mcs, 0x7f);
  rd_proto_put_u8 (mcs, BER_TAG_CONNECT_RESPONSE);
  put_ber_length (mcs, body->len);
  put_bytes (mcs, body->data, body->len);

  return wrap_data (mcs);
}

/* ---- reading ------------------------------------------------------------ */

/* The TPKT and X.224 Data header; leaves @reader on the MCS PDU. */
static gboolean
read_tpkt_data (const guint8   *data,
                gsize           length,
                const char     *what,
                RdProtoReader  *reader,
                GError        **error)
{
  guint16 pdu_length;

  if (!rd_tpkt_check_frame (data, length, DATA_HEADER_END, what, &pdu_length, error))
    return FALSE;
  if (data[4] != 0x02 || data[5] != 0xf0 || data[6] != 0x80)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: not an X.224 Data TPDU (%02x %02x %02x)", what, data[4], data[5], data[6]);
      return FALSE;
    }

  rd_proto_reader_init (reader, what, data + DATA_HEADER_END, pdu_length - DATA_HEADER_END);
  return TRUE;
}

static gboolean
read_ber_length (RdProtoReader  *reader,
                 const char     *field,
                 gsize          *length,
                 GError        **error)
{
  guint8 first, byte;
  guint16 word;

  if (!rd_proto_reader_read_u8 (reader, field, &first, error))
    return FALSE;
  if (first < 0x80)
    {
      *length = first;
    }
  else if (first == 0x81)
    {
      if (!rd_proto_reader_read_u8 (reader, field, &byte, error))
        return FALSE;
      *length = byte;
    }
  else if (first == 0x82)
    {
      if (!rd_proto_reader_read_u16_be (reader, field, &word, error))
        return FALSE;
      *length = word;
    }
  else
    {
      /* a TPKT holds at most 65535 bytes: a longer length is a lie */
      g_set_error (error, RD_PROTO_ERROR,
                   first == 0x80 ? RD_PROTO_ERROR_INVALID : RD_PROTO_ERROR_OVERSIZED,
                   "%s: %s has a BER length of form 0x%02x", reader->what, field, first);
      return FALSE;
    }

  if (*length > rd_proto_reader_remaining (reader))
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: %s says %" G_GSIZE_FORMAT " bytes, only %" G_GSIZE_FORMAT " follow",
                   reader->what, field, *length, rd_proto_reader_remaining (reader));
      return FALSE;
    }
  return TRUE;
}

/* One BER element with a one-byte tag (or 0x7f and @tag): @content is set on
 * its contents, and @reader moves past it. */
static gboolean
read_ber_element (RdProtoReader  *reader,
                  gboolean        application,
                  guint8          tag,
                  const char     *field,
                  RdProtoReader  *content,
                  GError        **error)
{
  const guint8 *bytes;
  guint8 first, second;
  gsize length;

  if (!rd_proto_reader_read_u8 (reader, field, &first, error))
    return FALSE;
  if (application)
    {
      if (!rd_proto_reader_read_u8 (reader, field, &second, error))
        return FALSE;
      if (first != 0x7f || second != tag)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                       "%s: %s has tag %02x %02x, not 7f %02x", reader->what, field, first, second, tag);
          return FALSE;
        }
    }
  else if (first != tag)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: %s has tag 0x%02x, not 0x%02x", reader->what, field, first, tag);
      return FALSE;
    }

  if (!read_ber_length (reader, field, &length, error) ||
      !rd_proto_reader_read_bytes (reader, length, field, &bytes, error))
    return FALSE;
  rd_proto_reader_init (content, reader->what, bytes, length);
  return TRUE;
}

static gboolean
read_per_length (RdProtoReader  *reader,
                 const char     *field,
                 gsize          *length,
                 GError        **error)
{
  guint8 first, second;

  if (!rd_proto_reader_read_u8 (reader, field, &first, error))
    return FALSE;
  if ((first & 0x80) == 0)
    {
      *length = first;
      return TRUE;
    }
  if (!rd_proto_reader_read_u8 (reader, field, &second, error))
    return FALSE;
  *length = ((gsize) (first & 0x7f) << 8) | second;
  return TRUE;
}

static gboolean
check_empty (RdProtoReader  *reader,
             const char     *after,
             GError        **error)
{
  if (rd_proto_reader_remaining (reader) == 0)
    return TRUE;
  g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
               "%s: %" G_GSIZE_FORMAT " stray bytes after %s",
               reader->what, rd_proto_reader_remaining (reader), after);
  return FALSE;
}

static gboolean
expect_bytes (RdProtoReader  *reader,
              const guint8   *expected,
              gsize           length,
              const char     *field,
              GError        **error)
{
  const guint8 *bytes;

  if (!rd_proto_reader_read_bytes (reader, length, field, &bytes, error))
    return FALSE;
  if (memcmp (bytes, expected, length) != 0)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: %s is not what T.124 and MS-RDPBCGR prescribe", reader->what, field);
      return FALSE;
    }
  return TRUE;
}

/* T.124 ConnectData up to the user data of the conference PDU: @blocks is
 * set on the settings data blocks. */
static gboolean
read_gcc_user_data (RdProtoReader  *reader,
                    gboolean        request,
                    RdProtoReader  *blocks,
                    GError        **error)
{
  const guint8 *bytes;
  gsize connect_pdu_length, blocks_length;
  guint8 byte, key_length;

  if (!expect_bytes (reader, t124_key, sizeof t124_key, "T.124 key", error) ||
      /* 3.2.5.3.4: the connectPDU length is ignored (4.1.4 has it wrong) */
      !read_per_length (reader, "connectPDU length", &connect_pdu_length, error) ||
      !rd_proto_reader_read_u8 (reader, "conference PDU choice", &byte, error))
    return FALSE;

  if (request)
    {
      guint8 name_length;

      /* selection, conferenceName (NumericString, SIZE (1..), four bits a
       * digit), padding */
      if (!rd_proto_reader_read_u8 (reader, "ConferenceCreateRequest selection", &byte, error) ||
          !rd_proto_reader_read_u8 (reader, "conferenceName length", &name_length, error) ||
          !rd_proto_reader_skip (reader, ((gsize) name_length + 2) / 2, "conferenceName", error) ||
          !rd_proto_reader_skip (reader, 1, "ConferenceCreateRequest padding", error))
        return FALSE;
    }
  else
    {
      guint8 tag_length;

      /* nodeID, tag (a length byte then the integer), result */
      if (!rd_proto_reader_skip (reader, 2, "nodeID", error) ||
          !rd_proto_reader_read_u8 (reader, "tag length", &tag_length, error) ||
          !rd_proto_reader_skip (reader, tag_length, "tag", error) ||
          !rd_proto_reader_skip (reader, 1, "ConferenceCreateResponse result", error))
        return FALSE;
    }

  /* one user data set, its key an H.221 non-standard key of 4 bytes */
  if (!rd_proto_reader_read_u8 (reader, "user data sets", &byte, error) ||
      !rd_proto_reader_read_u8 (reader, "user data key choice", &byte, error) ||
      !rd_proto_reader_read_u8 (reader, "H.221 key length", &key_length, error))
    return FALSE;
  if (key_length != 0)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: the H.221 key is %u bytes, not 4", reader->what, key_length + 4);
      return FALSE;
    }
  if (!expect_bytes (reader, (const guint8 *) (request ? "Duca" : "McDn"), 4, "H.221 key", error) ||
      !read_per_length (reader, "user data length", &blocks_length, error))
    return FALSE;
  if (blocks_length > rd_proto_reader_remaining (reader))
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: the user data says %" G_GSIZE_FORMAT " bytes, only %" G_GSIZE_FORMAT " follow",
                   reader->what, blocks_length, rd_proto_reader_remaining (reader));
      return FALSE;
    }
  if (!rd_proto_reader_read_bytes (reader, blocks_length, "user data", &bytes, error) ||
      !check_empty (reader, "the user data", error))
    return FALSE;

  rd_proto_reader_init (blocks, reader->what, bytes, blocks_length);
  return TRUE;
}

/* The next settings data block (2.2.1.3.1): its type and @content. */
static gboolean
read_block (RdProtoReader  *reader,
            guint16        *type,
            RdProtoReader  *content,
            GError        **error)
{
  const guint8 *bytes;
  guint16 length;

  if (!rd_proto_reader_read_u16_le (reader, "user data block type", type, error) ||
      !rd_proto_reader_read_u16_le (reader, "user data block length", &length, error))
    return FALSE;
  if (length < 4)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: block 0x%04x is %u bytes long, less than its header", reader->what, *type, length);
      return FALSE;
    }
  if ((gsize) length - 4 > rd_proto_reader_remaining (reader))
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: block 0x%04x says %u bytes, only %" G_GSIZE_FORMAT " follow",
                   reader->what, *type, length, rd_proto_reader_remaining (reader) + 4);
      return FALSE;
    }
  if (!rd_proto_reader_read_bytes (reader, length - 4u, "user data block", &bytes, error))
    return FALSE;
  rd_proto_reader_init (content, reader->what, bytes, length - 4u);
  return TRUE;
}

/* A NUL-terminated UTF-16LE string in a field of @units code units. */
static gboolean
read_utf16_field (RdProtoReader  *reader,
                  guint           units,
                  const char     *field,
                  char          **text,
                  GError        **error)
{
  const guint8 *bytes;
  gunichar2 buffer[CORE_DIG_ID_UNITS];
  guint n = 0;

  g_assert (units <= G_N_ELEMENTS (buffer));
  if (!rd_proto_reader_read_bytes (reader, units * 2, field, &bytes, error))
    return FALSE;
  while (n < units && (buffer[n] = rd_proto_load_u16_le (bytes + 2 * n)) != 0)
    n++;
  if (n == units)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: %s has no terminating NUL", reader->what, field);
      return FALSE;
    }
  *text = g_utf16_to_utf8 (buffer, n, NULL, NULL, NULL);
  if (*text == NULL)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: %s is not valid UTF-16", reader->what, field);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_client_core (RdProtoReader        *core,
                  RdMcsConnectInitial  *initial,
                  GError              **error)
{
  guint8 pad;

  if (rd_proto_reader_remaining (core) < CORE_REQUIRED_LENGTH)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: Client Core Data is %" G_GSIZE_FORMAT " bytes, less than the %u it needs",
                   core->what, rd_proto_reader_remaining (core), CORE_REQUIRED_LENGTH);
      return FALSE;
    }

  if (!rd_proto_reader_read_u32_le (core, "version", &initial->version, error) ||
      !rd_proto_reader_read_u16_le (core, "desktopWidth", &initial->desktop_width, error) ||
      !rd_proto_reader_read_u16_le (core, "desktopHeight", &initial->desktop_height, error) ||
      !rd_proto_reader_read_u16_le (core, "colorDepth", &initial->color_depth, error) ||
      !rd_proto_reader_read_u16_le (core, "SASSequence", &initial->sas_sequence, error) ||
      !rd_proto_reader_read_u32_le (core, "keyboardLayout", &initial->keyboard_layout, error) ||
      !rd_proto_reader_read_u32_le (core, "clientBuild", &initial->client_build, error) ||
      !read_utf16_field (core, CORE_NAME_UNITS, "clientName", &initial->client_name, error) ||
      !rd_proto_reader_read_u32_le (core, "keyboardType", &initial->keyboard_type, error) ||
      !rd_proto_reader_read_u32_le (core, "keyboardSubType", &initial->keyboard_subtype, error) ||
      !rd_proto_reader_read_u32_le (core, "keyboardFunctionKey", &initial->keyboard_function_key, error) ||
      !rd_proto_reader_skip (core, CORE_IME_BYTES, "imeFileName", error))
    return FALSE;

  /* The rest is optional, each field only when all before it are there. */
#define OPTIONAL(size, read) \
  if (rd_proto_reader_remaining (core) < (size)) return TRUE; \
  if (!(read)) return FALSE;

  OPTIONAL (2, rd_proto_reader_read_u16_le (core, "postBeta2ColorDepth", &initial->post_beta2_color_depth, error));
  OPTIONAL (2, rd_proto_reader_read_u16_le (core, "clientProductId", &initial->client_product_id, error));
  OPTIONAL (4, rd_proto_reader_read_u32_le (core, "serialNumber", &initial->serial_number, error));
  OPTIONAL (2, rd_proto_reader_read_u16_le (core, "highColorDepth", &initial->high_color_depth, error));
  OPTIONAL (2, rd_proto_reader_read_u16_le (core, "supportedColorDepths", &initial->supported_color_depths, error));
  OPTIONAL (2, rd_proto_reader_read_u16_le (core, "earlyCapabilityFlags", &initial->early_capability_flags, error));
  OPTIONAL (CORE_DIG_ID_UNITS * 2, read_utf16_field (core, CORE_DIG_ID_UNITS, "clientDigProductId",
                                                     &initial->client_dig_product_id, error));
  OPTIONAL (1, rd_proto_reader_read_u8 (core, "connectionType", &initial->connection_type, error));
  OPTIONAL (1, rd_proto_reader_read_u8 (core, "pad1octet", &pad, error));
  OPTIONAL (4, rd_proto_reader_read_u32_le (core, "serverSelectedProtocol", &initial->server_selected_protocol, error));
#undef OPTIONAL
  /* desktopPhysicalWidth and later: not needed */
  return TRUE;
}

static gboolean
read_client_network (RdProtoReader        *net,
                     RdMcsConnectInitial  *initial,
                     GError              **error)
{
  guint32 count;

  if (!rd_proto_reader_read_u32_le (net, "channelCount", &count, error))
    return FALSE;
  if (count > RD_MCS_MAX_CHANNELS)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: %u channels, more than the %u allowed", net->what, count, RD_MCS_MAX_CHANNELS);
      return FALSE;
    }
  initial->has_network = TRUE;
  initial->n_channels = count;
  for (guint i = 0; i < count; i++)
    {
      const guint8 *name;

      if (!rd_proto_reader_read_bytes (net, 8, "CHANNEL_DEF name", &name, error) ||
          !rd_proto_reader_read_u32_le (net, "CHANNEL_DEF options", &initial->channels[i].options, error))
        return FALSE;
      if (memchr (name, 0, 8) == NULL)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                       "%s: channel %u's name has no terminating NUL", net->what, i);
          return FALSE;
        }
      memcpy (initial->channels[i].name, name, 8);
    }
  return TRUE;
}

gboolean
rd_mcs_decode_connect_initial (const guint8         *data,
                               gsize                 length,
                               RdMcsConnectInitial  *initial,
                               GError              **error)
{
  RdProtoReader reader, body, part, blocks;
  gboolean have_core = FALSE, have_security = FALSE;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (initial != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (initial, 0, sizeof *initial);

  if (!read_tpkt_data (data, length, "MCS Connect Initial", &reader, error) ||
      !read_ber_element (&reader, TRUE, BER_TAG_CONNECT_INITIAL, "Connect-Initial", &body, error) ||
      !check_empty (&reader, "Connect-Initial", error) ||
      !read_ber_element (&body, FALSE, BER_TAG_OCTET_STRING, "callingDomainSelector", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_OCTET_STRING, "calledDomainSelector", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_BOOLEAN, "upwardFlag", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_SEQUENCE, "targetParameters", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_SEQUENCE, "minimumParameters", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_SEQUENCE, "maximumParameters", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_OCTET_STRING, "userData", &part, error) ||
      !check_empty (&body, "userData", error) ||
      !read_gcc_user_data (&part, TRUE, &blocks, error))
    goto fail;

  while (rd_proto_reader_remaining (&blocks) > 0)
    {
      RdProtoReader content;
      guint16 type;

      if (!read_block (&blocks, &type, &content, error))
        goto fail;

      switch (type)
        {
        case CS_CORE:
          g_clear_pointer (&initial->client_name, g_free);
          g_clear_pointer (&initial->client_dig_product_id, g_free);
          if (!read_client_core (&content, initial, error))
            goto fail;
          have_core = TRUE;
          break;

        case CS_SECURITY:
          if (!rd_proto_reader_read_u32_le (&content, "encryptionMethods", &initial->encryption_methods, error) ||
              !rd_proto_reader_read_u32_le (&content, "extEncryptionMethods", &initial->ext_encryption_methods, error))
            goto fail;
          have_security = TRUE;
          break;

        case CS_NET:
          if (!read_client_network (&content, initial, error))
            goto fail;
          break;

        case CS_CLUSTER:
          if (!rd_proto_reader_read_u32_le (&content, "cluster Flags", &initial->cluster_flags, error) ||
              !rd_proto_reader_read_u32_le (&content, "RedirectedSessionID", &initial->redirected_session_id, error))
            goto fail;
          initial->has_cluster = TRUE;
          break;

        default:
          /* monitor, message channel, multitransport…: not needed */
          break;
        }
    }

  if (!have_core || !have_security)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "MCS Connect Initial: no %s", !have_core ? "Client Core Data" : "Client Security Data");
      goto fail;
    }
  return TRUE;

fail:
  rd_mcs_connect_initial_clear (initial);
  return FALSE;
}

void
rd_mcs_connect_initial_clear (RdMcsConnectInitial *initial)
{
  g_return_if_fail (initial != NULL);

  g_free (initial->client_name);
  g_free (initial->client_dig_product_id);
  memset (initial, 0, sizeof *initial);
}

static gboolean
read_server_security (RdProtoReader         *sec,
                      RdMcsConnectResponse  *response,
                      GError               **error)
{
  const guint8 *bytes;

  if (!rd_proto_reader_read_u32_le (sec, "encryptionMethod", &response->encryption_method, error) ||
      !rd_proto_reader_read_u32_le (sec, "encryptionLevel", &response->encryption_level, error))
    return FALSE;

  /* 2.2.1.4.3: without encryption the random and the certificate "MUST NOT
   * be present"; bytes a server sends there anyway mean nothing */
  if ((response->encryption_method == 0 && response->encryption_level == 0) ||
      rd_proto_reader_remaining (sec) == 0)
    return TRUE;

  if (!rd_proto_reader_read_u32_le (sec, "serverRandomLen", &response->server_random_length, error) ||
      !rd_proto_reader_read_u32_le (sec, "serverCertLen", &response->server_cert_length, error))
    return FALSE;
  if (response->server_random_length > rd_proto_reader_remaining (sec) ||
      response->server_cert_length > rd_proto_reader_remaining (sec) - response->server_random_length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: serverRandomLen %u and serverCertLen %u run past the %" G_GSIZE_FORMAT
                   " bytes of the Server Security Data", sec->what, response->server_random_length,
                   response->server_cert_length, rd_proto_reader_remaining (sec));
      return FALSE;
    }

  g_clear_pointer (&response->server_random, g_bytes_unref);
  g_clear_pointer (&response->server_cert, g_bytes_unref);
  if (!rd_proto_reader_read_bytes (sec, response->server_random_length, "serverRandom", &bytes, error))
    return FALSE;
  if (response->server_random_length > 0)
    response->server_random = g_bytes_new (bytes, response->server_random_length);
  if (!rd_proto_reader_read_bytes (sec, response->server_cert_length, "serverCertificate", &bytes, error))
    return FALSE;
  if (response->server_cert_length > 0)
    response->server_cert = g_bytes_new (bytes, response->server_cert_length);
  if (response->server_cert_length >= 4)
    {
      guint32 version = rd_proto_load_u32_le (bytes);

      response->cert_version = version & ~CERT_TEMPORARY;
      response->cert_temporary = (version & CERT_TEMPORARY) != 0;
    }
  return TRUE;
}

static gboolean
read_server_network (RdProtoReader         *net,
                     RdMcsConnectResponse  *response,
                     GError               **error)
{
  guint16 count;

  if (!rd_proto_reader_read_u16_le (net, "MCSChannelId", &response->mcs_channel_id, error) ||
      !rd_proto_reader_read_u16_le (net, "channelCount", &count, error))
    return FALSE;
  if (count > RD_MCS_MAX_CHANNELS)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "%s: %u channels, more than the %u allowed", net->what, count, RD_MCS_MAX_CHANNELS);
      return FALSE;
    }
  for (guint i = 0; i < count; i++)
    if (!rd_proto_reader_read_u16_le (net, "channelIdArray", &response->channel_ids[i], error))
      return FALSE;
  response->n_channels = count;
  response->has_network = TRUE;
  return TRUE;
}

gboolean
rd_mcs_decode_connect_response (const guint8          *data,
                                gsize                  length,
                                RdMcsConnectResponse  *response,
                                GError               **error)
{
  RdProtoReader reader, body, part, blocks;
  gboolean have_core = FALSE, have_security = FALSE;
  guint32 result = 0;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (response != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (response, 0, sizeof *response);

  if (!read_tpkt_data (data, length, "MCS Connect Response", &reader, error) ||
      !read_ber_element (&reader, TRUE, BER_TAG_CONNECT_RESPONSE, "Connect-Response", &body, error) ||
      !check_empty (&reader, "Connect-Response", error) ||
      !read_ber_element (&body, FALSE, BER_TAG_ENUMERATED, "result", &part, error))
    goto fail;

  if (rd_proto_reader_remaining (&part) < 1 || rd_proto_reader_remaining (&part) > 4)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "MCS Connect Response: the result is %" G_GSIZE_FORMAT " bytes long",
                   rd_proto_reader_remaining (&part));
      goto fail;
    }
  while (rd_proto_reader_remaining (&part) > 0)
    {
      guint8 byte;

      rd_proto_reader_read_u8 (&part, "result", &byte, NULL);
      result = (result << 8) | byte;
    }

  /* 3.3.5.3.3.1: a refusal may carry nothing but the result */
  if (rd_proto_reader_remaining (&body) == 0)
    {
      response->result = result;
      return TRUE;
    }

  if (!read_ber_element (&body, FALSE, BER_TAG_INTEGER, "calledConnectId", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_SEQUENCE, "domainParameters", &part, error) ||
      !read_ber_element (&body, FALSE, BER_TAG_OCTET_STRING, "userData", &part, error) ||
      !check_empty (&body, "userData", error) ||
      !read_gcc_user_data (&part, FALSE, &blocks, error))
    goto fail;

  while (rd_proto_reader_remaining (&blocks) > 0)
    {
      RdProtoReader content;
      guint16 type;

      if (!read_block (&blocks, &type, &content, error))
        goto fail;

      switch (type)
        {
        case SC_CORE:
          response->has_client_requested_protocols = FALSE;
          response->has_early_capability_flags = FALSE;
          if (!rd_proto_reader_read_u32_le (&content, "version", &response->version, error))
            goto fail;
          if (rd_proto_reader_remaining (&content) >= 4)
            {
              rd_proto_reader_read_u32_le (&content, "clientRequestedProtocols",
                                           &response->client_requested_protocols, NULL);
              response->has_client_requested_protocols = TRUE;
            }
          if (rd_proto_reader_remaining (&content) >= 4)
            {
              rd_proto_reader_read_u32_le (&content, "earlyCapabilityFlags",
                                           &response->early_capability_flags, NULL);
              response->has_early_capability_flags = TRUE;
            }
          have_core = TRUE;
          break;

        case SC_SECURITY:
          if (!read_server_security (&content, response, error))
            goto fail;
          have_security = TRUE;
          break;

        case SC_NET:
          if (!read_server_network (&content, response, error))
            goto fail;
          break;

        default:
          /* message channel, multitransport: not needed */
          break;
        }
    }

  if (!have_core || !have_security)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "MCS Connect Response: no %s", !have_core ? "Server Core Data" : "Server Security Data");
      goto fail;
    }

  response->result = result;
  response->has_user_data = TRUE;
  return TRUE;

fail:
  rd_mcs_connect_response_clear (response);
  return FALSE;
}

void
rd_mcs_connect_response_clear (RdMcsConnectResponse *response)
{
  g_return_if_fail (response != NULL);

  g_clear_pointer (&response->server_random, g_bytes_unref);
  g_clear_pointer (&response->server_cert, g_bytes_unref);
  memset (response, 0, sizeof *response);
}

/* ---- names -------------------------------------------------------------- */

const char *
rd_encryption_level_to_string (guint32 level)
{
  static const char * const names[] = {
    [RD_ENCRYPTION_LEVEL_NONE] = "none",
    [RD_ENCRYPTION_LEVEL_LOW] = "low",
    [RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE] = "client-compatible",
    [RD_ENCRYPTION_LEVEL_HIGH] = "high",
    [RD_ENCRYPTION_LEVEL_FIPS] = "fips",
  };

  return level < G_N_ELEMENTS (names) ? names[level] : NULL;
}

const char *
rd_encryption_method_to_string (guint32 method)
{
  switch (method)
    {
    case RD_ENCRYPTION_METHOD_NONE:
      return "none";
    case RD_ENCRYPTION_METHOD_40BIT:
      return "40bit";
    case RD_ENCRYPTION_METHOD_56BIT:
      return "56bit";
    case RD_ENCRYPTION_METHOD_128BIT:
      return "128bit";
    case RD_ENCRYPTION_METHOD_FIPS:
      return "fips";
    default:
      return NULL;
    }
}

const char *
rd_rdp_version_to_string (guint32 version)
{
  /* 2.2.1.4.2 */
  static const char * const tens[] = {
    "RDP 10.0", "RDP 10.1", "RDP 10.2", "RDP 10.3", "RDP 10.4", "RDP 10.5", "RDP 10.6",
    "RDP 10.7", "RDP 10.8", "RDP 10.9", "RDP 10.10", "RDP 10.11", "RDP 10.12",
  };

  if (version == 0x00080001)
    return "RDP 4.0";
  if (version == 0x00080004)
    return "RDP 5.0 to 8.1";
  if (version >= 0x00080005 && version - 0x00080005 < G_N_ELEMENTS (tens))
    return tens[version - 0x00080005];
  return NULL;
}

guint32
rd_encryption_level_allowed_methods (guint32 level)
{
  /* 5.3.6, the table of encryption levels and methods */
  switch (level)
    {
    case RD_ENCRYPTION_LEVEL_NONE:
      return RD_ENCRYPTION_METHOD_NONE;
    case RD_ENCRYPTION_LEVEL_LOW:
    case RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE:
      return RD_ENCRYPTION_METHOD_40BIT | RD_ENCRYPTION_METHOD_56BIT | RD_ENCRYPTION_METHOD_128BIT;
    case RD_ENCRYPTION_LEVEL_HIGH:
      return RD_ENCRYPTION_METHOD_128BIT;
    case RD_ENCRYPTION_LEVEL_FIPS:
      return RD_ENCRYPTION_METHOD_FIPS;
    default:
      return 0;
    }
}

gboolean
rd_encryption_level_expected_method (guint32  level,
                                     guint32  offered,
                                     guint32 *method)
{
  static const guint32 by_strength[] = {
    RD_ENCRYPTION_METHOD_128BIT, RD_ENCRYPTION_METHOD_56BIT, RD_ENCRYPTION_METHOD_40BIT,
  };

  g_return_val_if_fail (method != NULL, FALSE);

  *method = RD_ENCRYPTION_METHOD_NONE;
  switch (level)
    {
    case RD_ENCRYPTION_LEVEL_NONE:
      return TRUE;

    case RD_ENCRYPTION_LEVEL_LOW:
    case RD_ENCRYPTION_LEVEL_CLIENT_COMPATIBLE:
      /* 5.3.2.1: the highest the client advertises */
      for (guint i = 0; i < G_N_ELEMENTS (by_strength); i++)
        if ((offered & by_strength[i]) != 0)
          {
            *method = by_strength[i];
            return TRUE;
          }
      return FALSE;

    case RD_ENCRYPTION_LEVEL_HIGH:
    case RD_ENCRYPTION_LEVEL_FIPS:
      *method = rd_encryption_level_allowed_methods (level);
      return (offered & *method) != 0;

    default:
      return FALSE;
    }
}
