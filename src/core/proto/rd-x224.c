/* rd-x224.c: TPKT + X.224 Connection Request / Confirm with RDP negotiation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-x224"

#include "config.h"

#include <string.h>

#include "rd-proto-reader.h"
#include "rd-x224.h"

/* TPKT header (RFC 1006 §6): version 3, reserved, big-endian length of the whole PDU */
#define TPKT_VERSION 3
/* The shortest TPKT that can carry an X.224 TPDU: a Data TPDU (LI, code, EOT). */
#define TPKT_MIN_LENGTH 7

/* X.224 fixed part of the CR and CC TPDUs (ITU-T X.224 §13.3, §13.4;
 * MS-RDPBCGR 2.2.1.1 x224Crq, 2.2.1.2 x224Ccf): LI, code+credit, DST-REF,
 * SRC-REF, class+options. */
#define X224_FIXED_LENGTH          7
#define X224_HEADER_END            (RD_TPKT_HEADER_LENGTH + X224_FIXED_LENGTH)
#define X224_CODE_MASK             0xf0
#define X224_CODE_CONNECTION_REQUEST 0xe0
#define X224_CODE_CONNECTION_CONFIRM 0xd0
#define X224_CODE_DISCONNECT_REQUEST 0x80
#define X224_CODE_DATA             0xf0
#define X224_CODE_ERROR            0x70
/* "The SRC-REF ... MUST be set to 0x1234" (MS-RDPBCGR 2.2.1.2) */
#define X224_CC_SRC_REF            0x1234
/* LI is one byte and counts everything after itself (X.224 §13.2.1) */
#define X224_MAX_LI                0xfe

/* rdpNegData (MS-RDPBCGR 2.2.1.1.1, 2.2.1.2.1, 2.2.1.2.2): type, flags,
 * length (LE, always 8), then a 32-bit LE value. */
#define NEG_TYPE_REQ               0x01
#define NEG_TYPE_RSP               0x02
#define NEG_TYPE_FAILURE           0x03
#define NEG_DATA_LENGTH            8

/* rdpCorrelationInfo (MS-RDPBCGR 2.2.1.1.2): type, flags, length 0x0024,
 * correlationId[16], reserved[16] */
#define CORRELATION_TYPE           0x06
#define CORRELATION_LENGTH         36

/* "Cookie:<space>mstshash=IDENTIFIER<CR><LF>" (MS-RDPBCGR 2.2.1.1) */
#define COOKIE_PREFIX              "Cookie: "
#define MSTSHASH_PREFIX            COOKIE_PREFIX "mstshash="

/* What fits when the LI byte must stay <= 0xfe. */
G_STATIC_ASSERT (RD_X224_MAX_COOKIE_LENGTH
                 == X224_MAX_LI - (X224_FIXED_LENGTH - 1) - NEG_DATA_LENGTH
                    - CORRELATION_LENGTH - (sizeof COOKIE_PREFIX - 1) - 2);

static const char *
x224_code_to_string (guint8 code)
{
  switch (code & X224_CODE_MASK)
    {
    case X224_CODE_CONNECTION_REQUEST:
      return "Connection Request";
    case X224_CODE_CONNECTION_CONFIRM:
      return "Connection Confirm";
    case X224_CODE_DISCONNECT_REQUEST:
      return "Disconnect Request";
    case X224_CODE_DATA:
      return "Data";
    case X224_CODE_ERROR:
      return "TPDU Error";
    default:
      return "unknown TPDU";
    }
}

gssize
rd_tpkt_get_pdu_length (const guint8  *data,
                        gsize          length,
                        gsize          max_length,
                        GError       **error)
{
  guint16 pdu_length;

  g_return_val_if_fail (data != NULL || length == 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  if (length < RD_TPKT_HEADER_LENGTH)
    return 0;

  if (data[0] != TPKT_VERSION)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "TPKT: version is %u, not %u (not an RDP server?)", data[0], TPKT_VERSION);
      return -1;
    }

  pdu_length = rd_proto_load_u16_be (data + 2);
  if (pdu_length < TPKT_MIN_LENGTH)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "TPKT: length %u is less than the minimum of %u", pdu_length, TPKT_MIN_LENGTH);
      return -1;
    }
  if (pdu_length > max_length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_OVERSIZED,
                   "TPKT: length %u is more than the %" G_GSIZE_FORMAT " bytes allowed",
                   pdu_length, max_length);
      return -1;
    }

  return pdu_length;
}

/**
 * rd_tpkt_check_frame:
 * @min_length: the shortest PDU the caller can read: TPKT and X.224 headers
 * @pdu_length: (out): the TPKT length, which is @length
 *
 * Checks that @data is exactly one TPKT frame. A prefix of a valid frame is
 * TRUNCATED; a wrong version or a length that does not match is INVALID
 * (MS-RDPBCGR 3.3.5.3.1: a length that does not match the data is dropped).
 */
gboolean
rd_tpkt_check_frame (const guint8  *data,
                     gsize          length,
                     gsize          min_length,
                     const char    *what,
                     guint16       *pdu_length,
                     GError       **error)
{
  if (length >= 1 && data[0] != TPKT_VERSION)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: TPKT version is %u, not %u", what, data[0], TPKT_VERSION);
      return FALSE;
    }
  if (length < RD_TPKT_HEADER_LENGTH)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED,
                   "%s: %" G_GSIZE_FORMAT " bytes are not a TPKT header", what, length);
      return FALSE;
    }

  *pdu_length = rd_proto_load_u16_be (data + 2);
  if (*pdu_length < min_length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: TPKT length %u is shorter than the %" G_GSIZE_FORMAT " bytes of a TPKT and X.224 header",
                   what, *pdu_length, min_length);
      return FALSE;
    }
  if (*pdu_length > length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED,
                   "%s: TPKT length is %u but only %" G_GSIZE_FORMAT " bytes are there",
                   what, *pdu_length, length);
      return FALSE;
    }
  if (*pdu_length < length)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: TPKT length is %u but %" G_GSIZE_FORMAT " bytes were given",
                   what, *pdu_length, length);
      return FALSE;
    }
  return TRUE;
}

/* Checks the TPKT header and the X.224 fixed part shared by the CR and the CC,
 * and leaves @reader on the variable part, up to the TPKT length. A prefix of a
 * valid PDU is always TRUNCATED; a complete PDU with a wrong byte is INVALID. */
static gboolean
read_tpkt_x224 (const guint8   *data,
                gsize           length,
                const char     *what,
                guint8          expected_code,
                RdProtoReader  *reader,
                GError        **error)
{
  guint16 pdu_length;
  guint8 li, code, klass;

  if (!rd_tpkt_check_frame (data, length, X224_HEADER_END, what, &pdu_length, error))
    return FALSE;

  li = data[4];
  code = data[5];
  klass = data[10];

  if ((code & X224_CODE_MASK) != expected_code)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: X.224 code is 0x%02x (%s), not 0x%02x (%s)", what,
                   code, x224_code_to_string (code),
                   expected_code, x224_code_to_string (expected_code));
      return FALSE;
    }
  if (li != pdu_length - RD_TPKT_HEADER_LENGTH - 1)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: X.224 length indicator is %u but the TPKT leaves %u bytes after it",
                   what, li, pdu_length - RD_TPKT_HEADER_LENGTH - 1);
      return FALSE;
    }
  /* MS-RDPBCGR 2.2.1.1: class 0 only (upper nibble); the options are ignored. */
  if ((klass & 0xf0) != 0)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: X.224 class is %u, not class 0", what, klass >> 4);
      return FALSE;
    }

  rd_proto_reader_init (reader, what, data + X224_HEADER_END, pdu_length - X224_HEADER_END);
  return TRUE;
}

/* The cookie or routing token: text up to and including CR LF (2.2.1.1). */
static gboolean
read_token_line (RdProtoReader  *reader,
                 RdX224Request  *request,
                 GError        **error)
{
  const guint8 *start = reader->data + reader->offset;
  gsize remaining = rd_proto_reader_remaining (reader);
  gsize line_length = 0;
  gboolean found = FALSE;
  g_autofree char *line = NULL;

  for (gsize i = 0; i + 1 < remaining; i++)
    {
      if (start[i] == '\r' && start[i + 1] == '\n')
        {
          line_length = i;
          found = TRUE;
          break;
        }
    }
  if (!found)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: the cookie or routing token does not end with CR LF", reader->what);
      return FALSE;
    }

  /* Clients send the cookie in their ANSI code page; anything not UTF-8 is
   * replaced rather than refused, since the server ignores it anyway (3.3.5.3.1). */
  line = g_utf8_make_valid ((const char *) start, line_length);
  if (g_str_has_prefix (line, MSTSHASH_PREFIX))
    request->cookie = g_strdup (line + strlen (COOKIE_PREFIX));
  else
    request->routing_token = g_steal_pointer (&line);

  reader->offset += line_length + 2;
  return TRUE;
}

static gboolean
read_correlation_info (RdProtoReader  *reader,
                       RdX224Request  *request,
                       GError        **error)
{
  guint8 type, flags;
  guint16 info_length;
  const guint8 *id;

  if (!rd_proto_reader_read_u8 (reader, "rdpCorrelationInfo type", &type, error) ||
      !rd_proto_reader_read_u8 (reader, "rdpCorrelationInfo flags", &flags, error) ||
      !rd_proto_reader_read_u16_le (reader, "rdpCorrelationInfo length", &info_length, error))
    return FALSE;

  if (type != CORRELATION_TYPE)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: rdpCorrelationInfo type is 0x%02x, not 0x%02x",
                   reader->what, type, CORRELATION_TYPE);
      return FALSE;
    }
  if (info_length != CORRELATION_LENGTH)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: rdpCorrelationInfo length is %u, not %u",
                   reader->what, info_length, CORRELATION_LENGTH);
      return FALSE;
    }

  if (!rd_proto_reader_read_bytes (reader, sizeof request->correlation_id,
                                   "rdpCorrelationInfo correlationId", &id, error) ||
      !rd_proto_reader_skip (reader, 16, "rdpCorrelationInfo reserved", error))
    return FALSE;

  memcpy (request->correlation_id, id, sizeof request->correlation_id);
  request->has_correlation_info = TRUE;
  return TRUE;
}

static gboolean
check_no_trailing_bytes (const RdProtoReader  *reader,
                         const char           *after,
                         GError              **error)
{
  if (rd_proto_reader_remaining (reader) == 0)
    return TRUE;

  g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
               "%s: %" G_GSIZE_FORMAT " unexpected bytes after %s",
               reader->what, rd_proto_reader_remaining (reader), after);
  return FALSE;
}

gboolean
rd_x224_decode_connection_request (const guint8   *data,
                                   gsize           length,
                                   RdX224Request  *request,
                                   GError        **error)
{
  RdProtoReader reader;
  RdX224Request result = { 0 };
  guint8 type;
  guint16 neg_length;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (request != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (request, 0, sizeof *request);

  if (!read_tpkt_x224 (data, length, "X.224 Connection Request",
                       X224_CODE_CONNECTION_REQUEST, &reader, error))
    return FALSE;

  /* A token line never starts with TYPE_RDP_NEG_REQ: it is text. */
  if (rd_proto_reader_remaining (&reader) > 0 &&
      reader.data[reader.offset] != NEG_TYPE_REQ &&
      !read_token_line (&reader, &result, error))
    goto fail;

  if (rd_proto_reader_remaining (&reader) == 0)
    {
      *request = result;
      return TRUE;
    }

  if (!rd_proto_reader_read_u8 (&reader, "RDP_NEG_REQ type", &type, error))
    goto fail;
  if (type != NEG_TYPE_REQ)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: rdpNegData type is 0x%02x, not RDP_NEG_REQ", reader.what, type);
      goto fail;
    }
  if (!rd_proto_reader_read_u8 (&reader, "RDP_NEG_REQ flags", &result.flags, error) ||
      !rd_proto_reader_read_u16_le (&reader, "RDP_NEG_REQ length", &neg_length, error))
    goto fail;
  if (neg_length != NEG_DATA_LENGTH)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: RDP_NEG_REQ length is %u, not %u", reader.what, neg_length, NEG_DATA_LENGTH);
      goto fail;
    }
  if (!rd_proto_reader_read_u32_le (&reader, "RDP_NEG_REQ requestedProtocols",
                                    &result.requested_protocols, error))
    goto fail;
  result.has_negotiation = TRUE;

  if ((result.flags & RD_NEG_REQ_CORRELATION_INFO_PRESENT) != 0 &&
      !read_correlation_info (&reader, &result, error))
    goto fail;

  if (!check_no_trailing_bytes (&reader, "RDP_NEG_REQ", error))
    goto fail;

  *request = result;
  return TRUE;

fail:
  rd_x224_request_clear (&result);
  return FALSE;
}

void
rd_x224_request_clear (RdX224Request *request)
{
  g_return_if_fail (request != NULL);

  g_clear_pointer (&request->cookie, g_free);
  g_clear_pointer (&request->routing_token, g_free);
  memset (request, 0, sizeof *request);
}

/* TPKT header and X.224 fixed part; the lengths are patched by finish_pdu(). */
static GByteArray *
start_pdu (guint8  code,
           guint16 src_ref)
{
  GByteArray *out = g_byte_array_sized_new (64);

  rd_proto_put_u8 (out, TPKT_VERSION);
  rd_proto_put_u8 (out, 0);
  rd_proto_put_u16_be (out, 0);
  rd_proto_put_u8 (out, 0);             /* LI */
  rd_proto_put_u8 (out, code);
  rd_proto_put_u16_be (out, 0);         /* DST-REF */
  rd_proto_put_u16_be (out, src_ref);
  rd_proto_put_u8 (out, 0);             /* class 0 */
  return out;
}

static GBytes *
finish_pdu (GByteArray *out)
{
  g_assert (out->len >= X224_HEADER_END && out->len - RD_TPKT_HEADER_LENGTH - 1 <= X224_MAX_LI);

  rd_proto_set_u16_be_at (out, 2, (guint16) out->len);
  out->data[4] = (guint8) (out->len - RD_TPKT_HEADER_LENGTH - 1);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
is_token_text (const char *text)
{
  return strpbrk (text, "\r\n") == NULL;
}

GBytes *
rd_x224_encode_connection_request_full (const RdX224Request *request)
{
  GByteArray *out;
  guint8 flags;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->cookie == NULL || request->routing_token == NULL, NULL);
  g_return_val_if_fail (request->cookie == NULL ||
                        (strlen (request->cookie) <= RD_X224_MAX_COOKIE_LENGTH &&
                         is_token_text (request->cookie)), NULL);
  g_return_val_if_fail (request->routing_token == NULL ||
                        (strlen (request->routing_token) <= RD_X224_MAX_COOKIE_LENGTH &&
                         is_token_text (request->routing_token) &&
                         request->routing_token[0] != NEG_TYPE_REQ), NULL);

  out = start_pdu (X224_CODE_CONNECTION_REQUEST, 0);

  if (request->cookie != NULL)
    {
      g_byte_array_append (out, (const guint8 *) COOKIE_PREFIX, strlen (COOKIE_PREFIX));
      g_byte_array_append (out, (const guint8 *) request->cookie, strlen (request->cookie));
      g_byte_array_append (out, (const guint8 *) "\r\n", 2);
    }
  else if (request->routing_token != NULL)
    {
      g_byte_array_append (out, (const guint8 *) request->routing_token,
                           strlen (request->routing_token));
      g_byte_array_append (out, (const guint8 *) "\r\n", 2);
    }

  if (request->has_negotiation)
    {
      flags = request->flags & ~RD_NEG_REQ_CORRELATION_INFO_PRESENT;
      if (request->has_correlation_info)
        flags |= RD_NEG_REQ_CORRELATION_INFO_PRESENT;

      rd_proto_put_u8 (out, NEG_TYPE_REQ);
      rd_proto_put_u8 (out, flags);
      rd_proto_put_u16_le (out, NEG_DATA_LENGTH);
      rd_proto_put_u32_le (out, request->requested_protocols);

      if (request->has_correlation_info)
        {
          static const guint8 reserved[16] = { 0 };

          rd_proto_put_u8 (out, CORRELATION_TYPE);
          rd_proto_put_u8 (out, 0);
          rd_proto_put_u16_le (out, CORRELATION_LENGTH);
          g_byte_array_append (out, request->correlation_id, sizeof request->correlation_id);
          g_byte_array_append (out, reserved, sizeof reserved);
        }
    }

  return finish_pdu (out);
}

GBytes *
rd_x224_encode_connection_request (const char *cookie,
                                   guint32     requested_protocols,
                                   guint8      flags)
{
  RdX224Request request = { 0 };

  request.cookie = (char *) cookie;
  request.has_negotiation = TRUE;
  request.flags = flags;
  request.requested_protocols = requested_protocols;

  if ((flags & RD_NEG_REQ_CORRELATION_INFO_PRESENT) != 0)
    {
      /* 2.2.1.1.2: the first byte SHOULD NOT be 0x00 or 0xF4, and no byte
       * SHOULD be 0x0D. */
      request.has_correlation_info = TRUE;
      for (guint i = 0; i < G_N_ELEMENTS (request.correlation_id); i++)
        {
          guint8 b;

          do
            b = (guint8) g_random_int_range (0, 256);
          while (b == 0x0d || (i == 0 && (b == 0x00 || b == 0xf4)));
          request.correlation_id[i] = b;
        }
    }

  return rd_x224_encode_connection_request_full (&request);
}

gboolean
rd_x224_decode_connection_confirm (const guint8   *data,
                                   gsize           length,
                                   RdX224Confirm  *confirm,
                                   GError        **error)
{
  RdProtoReader reader;
  guint8 type, flags;
  guint16 neg_length;
  guint32 value;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (confirm != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (confirm, 0, sizeof *confirm);

  if (!read_tpkt_x224 (data, length, "X.224 Connection Confirm",
                       X224_CODE_CONNECTION_CONFIRM, &reader, error))
    return FALSE;

  /* No rdpNegData: a server from before RDP 5.2, or one answering a request
   * that had no RDP_NEG_REQ (2.2.1.2; rdp-facts.md §1.2). */
  if (rd_proto_reader_remaining (&reader) == 0)
    {
      confirm->kind = RD_X224_CONFIRM_LEGACY;
      return TRUE;
    }

  if (!rd_proto_reader_read_u8 (&reader, "rdpNegData type", &type, error) ||
      !rd_proto_reader_read_u8 (&reader, "rdpNegData flags", &flags, error) ||
      !rd_proto_reader_read_u16_le (&reader, "rdpNegData length", &neg_length, error))
    return FALSE;

  if (type != NEG_TYPE_RSP && type != NEG_TYPE_FAILURE)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: rdpNegData type is 0x%02x, neither RDP_NEG_RSP nor RDP_NEG_FAILURE",
                   reader.what, type);
      return FALSE;
    }
  if (neg_length != NEG_DATA_LENGTH)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: rdpNegData length is %u, not %u", reader.what, neg_length, NEG_DATA_LENGTH);
      return FALSE;
    }
  if (!rd_proto_reader_read_u32_le (&reader, type == NEG_TYPE_RSP ? "RDP_NEG_RSP selectedProtocol"
                                                                  : "RDP_NEG_FAILURE failureCode",
                                    &value, error) ||
      !check_no_trailing_bytes (&reader, "rdpNegData", error))
    return FALSE;

  if (type == NEG_TYPE_RSP)
    {
      confirm->kind = RD_X224_CONFIRM_RESPONSE;
      confirm->flags = flags;
      confirm->selected_protocol = value;
    }
  else
    {
      /* 2.2.1.2.2: flags are 0 and carry nothing; unknown codes are kept. */
      confirm->kind = RD_X224_CONFIRM_FAILURE;
      confirm->failure_code = value;
    }
  return TRUE;
}

GBytes *
rd_x224_encode_connection_confirm (const RdX224Confirm *confirm)
{
  GByteArray *out;

  g_return_val_if_fail (confirm != NULL, NULL);
  g_return_val_if_fail (confirm->kind <= RD_X224_CONFIRM_FAILURE, NULL);

  out = start_pdu (X224_CODE_CONNECTION_CONFIRM, X224_CC_SRC_REF);

  switch (confirm->kind)
    {
    case RD_X224_CONFIRM_LEGACY:
      break;

    case RD_X224_CONFIRM_RESPONSE:
      rd_proto_put_u8 (out, NEG_TYPE_RSP);
      rd_proto_put_u8 (out, confirm->flags);
      rd_proto_put_u16_le (out, NEG_DATA_LENGTH);
      rd_proto_put_u32_le (out, confirm->selected_protocol);
      break;

    case RD_X224_CONFIRM_FAILURE:
      rd_proto_put_u8 (out, NEG_TYPE_FAILURE);
      rd_proto_put_u8 (out, 0);
      rd_proto_put_u16_le (out, NEG_DATA_LENGTH);
      rd_proto_put_u32_le (out, confirm->failure_code);
      break;

    default:
      g_assert_not_reached ();
    }

  return finish_pdu (out);
}

/* MS-RDPBCGR 2.2.1.1.1 requestedProtocols, one name per bit */
static const struct
{
  guint32     value;
  const char *name;
} protocol_names[] = {
  { RD_PROTOCOL_SSL, "ssl" },
  { RD_PROTOCOL_HYBRID, "hybrid" },
  { RD_PROTOCOL_RDSTLS, "rdstls" },
  { RD_PROTOCOL_HYBRID_EX, "hybrid_ex" },
  { RD_PROTOCOL_RDSAAD, "rdsaad" },
};

const char *
rd_protocol_to_string (guint32 protocol)
{
  if (protocol == RD_PROTOCOL_RDP)
    return "rdp";

  for (guint i = 0; i < G_N_ELEMENTS (protocol_names); i++)
    {
      if (protocol_names[i].value == protocol)
        return protocol_names[i].name;
    }
  return NULL;
}

GStrv
rd_protocols_to_strv (guint32 protocols)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint bit = 0; bit < 32; bit++)
    {
      guint32 value = 1u << bit;
      const char *name;

      if ((protocols & value) == 0)
        continue;

      name = rd_protocol_to_string (value);
      if (name != NULL)
        {
          g_strv_builder_add (builder, name);
        }
      else
        {
          g_autofree char *hex = g_strdup_printf ("0x%08x", value);

          g_strv_builder_add (builder, hex);
        }
    }
  return g_strv_builder_end (builder);
}

/* MS-RDPBCGR 2.2.1.2.2 failureCode */
static const char * const failure_names[] = {
  [RD_NEG_FAILURE_SSL_REQUIRED_BY_SERVER] = "SSL_REQUIRED_BY_SERVER",
  [RD_NEG_FAILURE_SSL_NOT_ALLOWED_BY_SERVER] = "SSL_NOT_ALLOWED_BY_SERVER",
  [RD_NEG_FAILURE_SSL_CERT_NOT_ON_SERVER] = "SSL_CERT_NOT_ON_SERVER",
  [RD_NEG_FAILURE_INCONSISTENT_FLAGS] = "INCONSISTENT_FLAGS",
  [RD_NEG_FAILURE_HYBRID_REQUIRED_BY_SERVER] = "HYBRID_REQUIRED_BY_SERVER",
  [RD_NEG_FAILURE_SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER] = "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
};

const char *
rd_neg_failure_to_string (guint32 failure_code)
{
  if (failure_code >= G_N_ELEMENTS (failure_names))
    return NULL;
  return failure_names[failure_code];
}

/* MS-RDPBCGR 2.2.1.2.1 RDP_NEG_RSP flags, by bit */
static const char * const rsp_flag_names[8] = {
  "EXTENDED_CLIENT_DATA_SUPPORTED",
  "DYNVC_GFX_PROTOCOL_SUPPORTED",
  "NEGRSP_FLAG_RESERVED",
  "RESTRICTED_ADMIN_MODE_SUPPORTED",
  "REDIRECTED_AUTHENTICATION_MODE_SUPPORTED",
};

GStrv
rd_neg_rsp_flags_to_strv (guint8 flags)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint bit = 0; bit < 8; bit++)
    {
      if ((flags & (1u << bit)) == 0)
        continue;

      if (rsp_flag_names[bit] != NULL)
        {
          g_strv_builder_add (builder, rsp_flag_names[bit]);
        }
      else
        {
          g_autofree char *hex = g_strdup_printf ("0x%02x", 1u << bit);

          g_strv_builder_add (builder, hex);
        }
    }
  return g_strv_builder_end (builder);
}
