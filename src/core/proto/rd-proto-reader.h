/* rd-proto-reader.h: bounds-checked reading and writing of wire integers, shared
 * by the parsers in src/core/proto/ and by nothing else (private to proto).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "rd-proto-error.h"

G_BEGIN_DECLS

/* A cursor over bytes that someone else owns. Every read checks the length
 * first and fails with RD_PROTO_ERROR_TRUNCATED, naming @what (the structure)
 * and the field, instead of reading past the end. */
typedef struct
{
  const guint8 *data;
  gsize         length;
  gsize         offset;
  const char   *what;
} RdProtoReader;

void     rd_proto_reader_init        (RdProtoReader  *reader,
                                      const char     *what,
                                      const guint8   *data,
                                      gsize           length);
gsize    rd_proto_reader_remaining   (const RdProtoReader *reader);
gboolean rd_proto_reader_read_u8     (RdProtoReader  *reader,
                                      const char     *field,
                                      guint8         *value,
                                      GError        **error);
gboolean rd_proto_reader_read_u16_le (RdProtoReader  *reader,
                                      const char     *field,
                                      guint16        *value,
                                      GError        **error);
gboolean rd_proto_reader_read_u16_be (RdProtoReader  *reader,
                                      const char     *field,
                                      guint16        *value,
                                      GError        **error);
gboolean rd_proto_reader_read_u32_le (RdProtoReader  *reader,
                                      const char     *field,
                                      guint32        *value,
                                      GError        **error);
gboolean rd_proto_reader_read_u64_le (RdProtoReader  *reader,
                                      const char     *field,
                                      guint64        *value,
                                      GError        **error);
/* Points @bytes at the next @size bytes, which stay owned by the reader's buffer. */
gboolean rd_proto_reader_read_bytes  (RdProtoReader  *reader,
                                      gsize           size,
                                      const char     *field,
                                      const guint8  **bytes,
                                      GError        **error);
gboolean rd_proto_reader_skip        (RdProtoReader  *reader,
                                      gsize           size,
                                      const char     *field,
                                      GError        **error);

/* For offset + length fields (NTLM payload descriptors): points @bytes at
 * @data[@offset .. @offset + @size], or fails with RD_PROTO_ERROR_TRUNCATED when
 * that runs past @length. Safe for any 32-bit @offset and @size. */
gboolean rd_proto_get_range          (const guint8   *data,
                                      gsize           length,
                                      guint64         offset,
                                      guint64         size,
                                      const char     *what,
                                      const char     *field,
                                      const guint8  **bytes,
                                      GError        **error);

/* Unchecked loads for callers that have already checked the length. */
static inline guint16
rd_proto_load_u16_le (const guint8 *p)
{
  return (guint16) (p[0] | (p[1] << 8));
}

static inline guint16
rd_proto_load_u16_be (const guint8 *p)
{
  return (guint16) ((p[0] << 8) | p[1]);
}

static inline guint32
rd_proto_load_u32_le (const guint8 *p)
{
  return (guint32) p[0] | ((guint32) p[1] << 8) | ((guint32) p[2] << 16) | ((guint32) p[3] << 24);
}

/* Writers: append to @out, in the byte order their name says, whatever the host's. */
void     rd_proto_put_u8             (GByteArray     *out,
                                      guint8          value);
void     rd_proto_put_u16_le         (GByteArray     *out,
                                      guint16         value);
void     rd_proto_put_u16_be         (GByteArray     *out,
                                      guint16         value);
void     rd_proto_put_u32_le         (GByteArray     *out,
                                      guint32         value);
void     rd_proto_put_u64_le         (GByteArray     *out,
                                      guint64         value);
/* Overwrite a field written earlier (a length known only at the end). */
void     rd_proto_set_u16_be_at      (GByteArray     *out,
                                      gsize           offset,
                                      guint16         value);
void     rd_proto_set_u16_le_at      (GByteArray     *out,
                                      gsize           offset,
                                      guint16         value);
void     rd_proto_set_u32_le_at      (GByteArray     *out,
                                      gsize           offset,
                                      guint32         value);

G_END_DECLS
