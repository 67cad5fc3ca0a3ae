/* rd-proto-test-util.h: what the wire-format tests share: hex vectors,
 * byte-exact comparison, every-prefix truncation, fuzzing seed corpora
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "rd-proto-error.h"

/* Decodes @data into a local value and frees it again: lets one loop drive
 * every decoder over every prefix of a vector. */
typedef gboolean (*RdTestDecodeFunc) (const guint8  *data,
                                      gsize          length,
                                      GError       **error);

/* "03 00 00 2c ..." as the specifications print their examples; spaces and
 * newlines are ignored. */
static inline GBytes *
rd_test_hex (const char *hex)
{
  GByteArray *out = g_byte_array_new ();
  int high = -1;

  for (const char *p = hex; *p != '\0'; p++)
    {
      int nibble;

      if (g_ascii_isspace (*p))
        continue;
      nibble = g_ascii_xdigit_value (*p);
      g_assert_cmpint (nibble, >=, 0);
      if (high < 0)
        {
          high = nibble;
        }
      else
        {
          guint8 b = (guint8) ((high << 4) | nibble);

          g_byte_array_append (out, &b, 1);
          high = -1;
        }
    }
  g_assert_cmpint (high, ==, -1);
  return g_byte_array_free_to_bytes (out);
}

static inline char *
rd_test_to_hex (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < size; i++)
    g_string_append_printf (out, "%s%02x", i == 0 ? "" : (i % 16 == 0 ? "\n" : " "), data[i]);
  return g_string_free (out, FALSE);
}

static inline void
rd_test_assert_bytes_equal (GBytes *actual,
                            GBytes *expected)
{
  gsize actual_size, expected_size;
  const guint8 *actual_data, *expected_data;

  g_assert_nonnull (actual);
  actual_data = g_bytes_get_data (actual, &actual_size);
  expected_data = g_bytes_get_data (expected, &expected_size);

  if (!g_bytes_equal (actual, expected))
    {
      g_autofree char *a = rd_test_to_hex (actual);
      g_autofree char *e = rd_test_to_hex (expected);

      g_test_message ("expected:\n%s\nactual:\n%s", e, a);
    }
  g_assert_cmpmem (actual_data, actual_size, expected_data, expected_size);
}

/* A copy of exactly @length bytes on the heap, so that valgrind and
 * MALLOC_CHECK_ see any read past the end. */
static inline guint8 *
rd_test_exact_copy (const guint8 *data,
                    gsize         length)
{
  return length == 0 ? NULL : g_memdup2 (data, length);
}

static inline void
rd_test_assert_decode_fails (RdTestDecodeFunc  decode,
                             const guint8     *data,
                             gsize             length,
                             RdProtoError      code)
{
  g_autofree guint8 *copy = rd_test_exact_copy (data, length);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = decode (copy, length, &error);
  if (ok || !g_error_matches (error, RD_PROTO_ERROR, code))
    g_test_message ("%" G_GSIZE_FORMAT " bytes: %s", length, error ? error->message : "decoded");
  g_assert_false (ok);
  g_assert_error (error, RD_PROTO_ERROR, (gint) code);
  g_assert_nonnull (error->message);
}

static inline void
rd_test_assert_decode_fails_bytes (RdTestDecodeFunc decode,
                                   GBytes          *bytes,
                                   RdProtoError     code)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  rd_test_assert_decode_fails (decode, data, size, code);
}

/* Every proper prefix of a valid message, the empty one included, must be
 * reported as truncated: that is what a reader that has not got everything
 * yet sees. The whole message must decode. */
static inline void
rd_test_assert_prefixes_truncated (RdTestDecodeFunc decode,
                                   GBytes          *vector)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (vector, &size);
  g_autofree guint8 *whole = rd_test_exact_copy (data, size);
  g_autoptr(GError) error = NULL;

  for (gsize length = 0; length < size; length++)
    rd_test_assert_decode_fails (decode, data, length, RD_PROTO_ERROR_TRUNCATED);

  g_assert_true (decode (whole, size, &error));
  g_assert_no_error (error);
}

/* With RD_PROTO_CORPUS_DIR set (tests/fuzz/corpus), each vector is also
 * written there as a seed for the fuzz targets: one source for both. */
static inline void
rd_test_write_corpus (const char *kind,
                      const char *name,
                      GBytes     *bytes)
{
  const char *root = g_getenv ("RD_PROTO_CORPUS_DIR");
  g_autofree char *dir = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  gsize size;
  const guint8 *data;

  if (root == NULL || *root == '\0')
    return;

  dir = g_build_filename (root, kind, NULL);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  file_name = g_strconcat (name, ".bin", NULL);
  path = g_build_filename (dir, file_name, NULL);
  data = g_bytes_get_data (bytes, &size);
  g_file_set_contents (path, (const char *) data, (gssize) size, &error);
  g_assert_no_error (error);
}

/* A vector with one byte changed. */
static inline GBytes *
rd_test_patch (GBytes *bytes,
               gsize   offset,
               guint8  value)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint8 *copy;

  g_assert_cmpuint (offset, <, size);
  copy = g_memdup2 (data, size);
  copy[offset] = value;
  return g_bytes_new_take (copy, size);
}

/* A vector with @extra appended (hex). */
static inline GBytes *
rd_test_append (GBytes     *bytes,
                const char *extra_hex)
{
  g_autoptr(GBytes) extra = rd_test_hex (extra_hex);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_byte_array_append (out, g_bytes_get_data (extra, NULL), g_bytes_get_size (extra));
  return g_byte_array_free_to_bytes (out);
}
