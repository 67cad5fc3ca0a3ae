/* rd-proto-reader.c: bounds-checked reading and writing of wire integers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-proto-reader"

#include "config.h"

#include "rd-proto-reader.h"

void
rd_proto_reader_init (RdProtoReader *reader,
                      const char    *what,
                      const guint8  *data,
                      gsize          length)
{
  g_return_if_fail (reader != NULL);
  g_return_if_fail (data != NULL || length == 0);

  reader->data = data;
  reader->length = length;
  reader->offset = 0;
  reader->what = what;
}

gsize
rd_proto_reader_remaining (const RdProtoReader *reader)
{
  return reader->length - reader->offset;
}

/* The one place that decides whether @size more bytes are there. */
static gboolean
reader_need (RdProtoReader  *reader,
             gsize           size,
             const char     *field,
             GError        **error)
{
  if (size <= rd_proto_reader_remaining (reader))
    return TRUE;

  g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED,
               "%s: %s needs %" G_GSIZE_FORMAT " bytes at offset %" G_GSIZE_FORMAT
               ", only %" G_GSIZE_FORMAT " left",
               reader->what, field, size, reader->offset,
               rd_proto_reader_remaining (reader));
  return FALSE;
}

gboolean
rd_proto_reader_read_u8 (RdProtoReader  *reader,
                         const char     *field,
                         guint8         *value,
                         GError        **error)
{
  if (!reader_need (reader, 1, field, error))
    return FALSE;
  *value = reader->data[reader->offset];
  reader->offset += 1;
  return TRUE;
}

gboolean
rd_proto_reader_read_u16_le (RdProtoReader  *reader,
                             const char     *field,
                             guint16        *value,
                             GError        **error)
{
  if (!reader_need (reader, 2, field, error))
    return FALSE;
  *value = rd_proto_load_u16_le (reader->data + reader->offset);
  reader->offset += 2;
  return TRUE;
}

gboolean
rd_proto_reader_read_u16_be (RdProtoReader  *reader,
                             const char     *field,
                             guint16        *value,
                             GError        **error)
{
  if (!reader_need (reader, 2, field, error))
    return FALSE;
  *value = rd_proto_load_u16_be (reader->data + reader->offset);
  reader->offset += 2;
  return TRUE;
}

gboolean
rd_proto_reader_read_u32_le (RdProtoReader  *reader,
                             const char     *field,
                             guint32        *value,
                             GError        **error)
{
  if (!reader_need (reader, 4, field, error))
    return FALSE;
  *value = rd_proto_load_u32_le (reader->data + reader->offset);
  reader->offset += 4;
  return TRUE;
}

gboolean
rd_proto_reader_read_u64_le (RdProtoReader  *reader,
                             const char     *field,
                             guint64        *value,
                             GError        **error)
{
  const guint8 *p;

  if (!reader_need (reader, 8, field, error))
    return FALSE;
  p = reader->data + reader->offset;
  *value = (guint64) rd_proto_load_u32_le (p) | ((guint64) rd_proto_load_u32_le (p + 4) << 32);
  reader->offset += 8;
  return TRUE;
}

gboolean
rd_proto_reader_read_bytes (RdProtoReader  *reader,
                            gsize           size,
                            const char     *field,
                            const guint8  **bytes,
                            GError        **error)
{
  if (!reader_need (reader, size, field, error))
    return FALSE;
  *bytes = reader->data + reader->offset;
  reader->offset += size;
  return TRUE;
}

gboolean
rd_proto_reader_skip (RdProtoReader  *reader,
                      gsize           size,
                      const char     *field,
                      GError        **error)
{
  if (!reader_need (reader, size, field, error))
    return FALSE;
  reader->offset += size;
  return TRUE;
}

gboolean
rd_proto_get_range (const guint8   *data,
                    gsize           length,
                    guint64         offset,
                    guint64         size,
                    const char     *what,
                    const char     *field,
                    const guint8  **bytes,
                    GError        **error)
{
  /* Compared as two checks so that offset + size cannot wrap. */
  if (offset > length || size > length - offset)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_TRUNCATED,
                   "%s: %s (%" G_GUINT64_FORMAT " bytes at offset %" G_GUINT64_FORMAT
                   ") runs past the end of the %" G_GSIZE_FORMAT "-byte message",
                   what, field, size, offset, length);
      return FALSE;
    }
  *bytes = data + offset;
  return TRUE;
}

void
rd_proto_put_u8 (GByteArray *out,
                 guint8      value)
{
  g_byte_array_append (out, &value, 1);
}

void
rd_proto_put_u16_le (GByteArray *out,
                     guint16     value)
{
  guint8 b[2] = { value & 0xff, value >> 8 };

  g_byte_array_append (out, b, sizeof b);
}

void
rd_proto_put_u16_be (GByteArray *out,
                     guint16     value)
{
  guint8 b[2] = { value >> 8, value & 0xff };

  g_byte_array_append (out, b, sizeof b);
}

void
rd_proto_put_u32_le (GByteArray *out,
                     guint32     value)
{
  guint8 b[4] = { value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff, value >> 24 };

  g_byte_array_append (out, b, sizeof b);
}

void
rd_proto_put_u64_le (GByteArray *out,
                     guint64     value)
{
  rd_proto_put_u32_le (out, (guint32) (value & 0xffffffffu));
  rd_proto_put_u32_le (out, (guint32) (value >> 32));
}

void
rd_proto_set_u16_be_at (GByteArray *out,
                        gsize       offset,
                        guint16     value)
{
  g_return_if_fail (offset + 2 <= out->len);

  out->data[offset] = value >> 8;
  out->data[offset + 1] = value & 0xff;
}

void
rd_proto_set_u16_le_at (GByteArray *out,
                        gsize       offset,
                        guint16     value)
{
  g_return_if_fail (offset + 2 <= out->len);

  out->data[offset] = value & 0xff;
  out->data[offset + 1] = value >> 8;
}

void
rd_proto_set_u32_le_at (GByteArray *out,
                        gsize       offset,
                        guint32     value)
{
  g_return_if_fail (offset + 4 <= out->len);

  out->data[offset] = value & 0xff;
  out->data[offset + 1] = (value >> 8) & 0xff;
  out->data[offset + 2] = (value >> 16) & 0xff;
  out->data[offset + 3] = value >> 24;
}
