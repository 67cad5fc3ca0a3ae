/* rd-rdp-file.c: Remote Desktop connection files (.rdp), read and written
 *
 * An .rdp file is lines of "key:type:value": type "s" (text), "i" (a number)
 * or "b" (hex bytes). mstsc writes UTF-16LE with a byte order mark and CRLF;
 * other tools write UTF-8, with or without a mark, often with LF. Keys are
 * lower case with spaces ("full address", "server port"). A value may contain
 * colons ("full address:s:[2001:db8::5]:3390").
 *
 * The file is untrusted input: it comes from mail attachments and web portals.
 * Anything that is not text is refused with a message naming the problem, the
 * address goes through rd_target_parse(), and lines that are not settings are
 * kept as they are so that a corrected file loses nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-rdp-file"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "rd-rdp-file.h"
#include "rd-target.h"
#include "rd-x224.h"

/* The port RD Gateways listen on unless told otherwise. */
#define GATEWAY_DEFAULT_PORT 443

typedef struct
{
  char *key;     /* NULL for a line that is not a setting: kept verbatim in @raw */
  char  type;    /* 's', 'i' or 'b' */
  char *value;
  char *raw;
} Line;

struct _RdRdpFile
{
  grefcount          ref_count;
  GPtrArray         *lines;      /* Line, in the file's order */
  RdRdpFileEncoding  encoding;   /* what the file was read as; what to write by default */
};

G_DEFINE_BOXED_TYPE (RdRdpFile, rd_rdp_file, rd_rdp_file_ref, rd_rdp_file_unref)
G_DEFINE_QUARK (rd-rdp-file-error-quark, rd_rdp_file_error)

static void
line_free (gpointer data)
{
  Line *line = data;

  g_free (line->key);
  g_free (line->value);
  g_free (line->raw);
  g_free (line);
}

/* Whether @text has characters no .rdp file has: NUL and the C0 controls
 * other than tab, or DEL and the C1 controls (which is what binary data
 * read as Latin-1 or UTF-16 turns into). */
static gboolean
has_control_characters (const char *text,
                        gsize       len)
{
  const char *end = text + len;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\t' || c == '\r' || c == '\n')
        continue;
      if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0xfffe || c == 0xffff)
        return TRUE;
    }
  return FALSE;
}

static void
set_not_text (GError **error)
{
  g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NOT_TEXT,
                       _("This is not a Remote Desktop file: it contains binary data, not text."));
}

/* UTF-16 without a byte order mark: ASCII text then has a zero in every
 * other byte. */
static gboolean
looks_like_utf16le (const guint8 *data,
                    gsize         len)
{
  gsize n = MIN (len, 64) & ~(gsize) 1;
  guint zeros = 0;

  if (n < 4)
    return FALSE;
  for (gsize i = 0; i < n; i += 2)
    if (data[i] != 0 && data[i + 1] == 0)
      zeros++;
  return zeros == n / 2;
}

/* Returns the file as UTF-8 with the byte order mark removed. */
static char *
decode (const guint8       *data,
        gsize               len,
        RdRdpFileEncoding  *encoding,
        GError            **error)
{
  const char *charset = NULL;
  gsize skip = 0;
  char *text = NULL;
  gsize text_len = 0;

  *encoding = RD_RDP_FILE_ENCODING_UTF8;

  if (len >= 2 && data[0] == 0xff && data[1] == 0xfe)
    charset = "UTF-16LE", skip = 2;
  else if (len >= 2 && data[0] == 0xfe && data[1] == 0xff)
    charset = "UTF-16BE", skip = 2;
  else if (len >= 3 && data[0] == 0xef && data[1] == 0xbb && data[2] == 0xbf)
    skip = 3;
  else if (looks_like_utf16le (data, len))
    charset = "UTF-16LE";

  if (charset != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      *encoding = RD_RDP_FILE_ENCODING_UTF16LE;
      if ((len - skip) % 2 != 0)
        {
          set_not_text (error);
          return NULL;
        }
      text = len == skip ? g_strdup ("")
                         : g_convert ((const char *) data + skip, len - skip, "UTF-8", charset,
                                      NULL, &text_len, &local_error);
      if (text == NULL)
        {
          g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NOT_TEXT,
                               _("This file says it is UTF-16 text, as Remote Desktop Connection writes it, but it is damaged: some characters cannot be read."));
          return NULL;
        }
    }
  else if (g_utf8_validate ((const char *) data + skip, len - skip, NULL))
    {
      text = g_strndup ((const char *) data + skip, len - skip);
      text_len = len - skip;
    }
  else if (memchr (data, '\0', len) == NULL)
    {
      /* Old tools write the Windows "ANSI" code page. */
      text = g_convert ((const char *) data, len, "UTF-8", "WINDOWS-1252", NULL, &text_len, NULL);
    }

  /* ^Z: old DOS tools end text files with it. It ends the text; it is no
   * part of the last setting (which would then not read back once written). */
  if (text != NULL && text_len > 0 && text[text_len - 1] == 0x1a)
    text[--text_len] = '\0';

  if (text == NULL || strlen (text) != text_len || has_control_characters (text, text_len))
    {
      g_free (text);
      set_not_text (error);
      return NULL;
    }
  return text;
}

/* "key:type:value"; anything else is not a setting. */
static Line *
parse_line (const char *raw)
{
  Line *line = g_new0 (Line, 1);
  const char *colon = strchr (raw, ':');

  line->raw = g_strdup (raw);

  if (colon != NULL && colon != raw &&
      (colon[1] == 's' || colon[1] == 'i' || colon[1] == 'b' ||
       colon[1] == 'S' || colon[1] == 'I' || colon[1] == 'B') &&
      colon[2] == ':')
    {
      g_autofree char *key = g_strndup (raw, colon - raw);

      g_strstrip (key);
      if (*key != '\0')
        {
          line->key = g_ascii_strdown (key, -1);
          line->type = g_ascii_tolower (colon[1]);
          line->value = g_strdup (colon + 3);
          /* a value ends at the line's end; trailing blanks are the editor's */
          g_strchomp (line->value);
        }
    }
  return line;
}

static Line *
find_line (RdRdpFile  *self,
           const char *key)
{
  g_autofree char *lower = g_ascii_strdown (key, -1);

  /* The last one wins, as in the clients. */
  for (guint i = self->lines->len; i > 0; i--)
    {
      Line *line = g_ptr_array_index (self->lines, i - 1);

      if (line->key != NULL && g_str_equal (line->key, lower))
        return line;
    }
  return NULL;
}

static gboolean
parse_int (const char *text,
           gint64     *value)
{
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  return *stripped != '\0' &&
         g_ascii_string_to_signed (stripped, 10, G_MININT32, G_MAXUINT32, value, NULL);
}

static gboolean
is_valid_key (const char *key)
{
  if (key == NULL || *key == '\0' || !g_utf8_validate (key, -1, NULL))
    return FALSE;
  if (strchr (key, ':') != NULL || has_control_characters (key, strlen (key)))
    return FALSE;
  return TRUE;
}

static gboolean
is_valid_value (const char *value)
{
  return value != NULL && g_utf8_validate (value, -1, NULL) &&
         !has_control_characters (value, strlen (value)) &&
         strchr (value, '\r') == NULL && strchr (value, '\n') == NULL && strchr (value, '\t') == NULL;
}

static void
set_line (RdRdpFile  *self,
          const char *key,
          char        type,
          char       *value)
{
  g_autofree char *lower = g_ascii_strdown (key, -1);
  Line *line = NULL;

  /* One line per key from now on: the first keeps its place. */
  for (guint i = 0; i < self->lines->len;)
    {
      Line *l = g_ptr_array_index (self->lines, i);

      if (l->key != NULL && g_str_equal (l->key, lower))
        {
          if (line == NULL)
            {
              line = l;
              i++;
            }
          else
            {
              g_ptr_array_remove_index (self->lines, i);
            }
        }
      else
        {
          i++;
        }
    }

  if (line == NULL)
    {
      line = g_new0 (Line, 1);
      line->key = g_steal_pointer (&lower);
      g_ptr_array_add (self->lines, line);
    }

  line->type = type;
  g_free (line->value);
  line->value = value;
  g_clear_pointer (&line->raw, g_free);
}

/**
 * rd_rdp_file_new:
 *
 * Returns: (transfer full): an empty file, to be filled and written
 */
RdRdpFile *
rd_rdp_file_new (void)
{
  RdRdpFile *self = g_new0 (RdRdpFile, 1);

  g_ref_count_init (&self->ref_count);
  self->lines = g_ptr_array_new_with_free_func (line_free);
  self->encoding = RD_RDP_FILE_ENCODING_UTF16LE;
  return self;
}

/**
 * rd_rdp_file_parse:
 * @bytes: the file's contents
 * @error: a #RD_RDP_FILE_ERROR
 *
 * Reads UTF-16LE with a byte order mark (what mstsc writes), UTF-16 without
 * one, UTF-8 with or without one, and Windows-1252; CRLF or LF. The address
 * is not checked here: rd_rdp_file_get_target() does that.
 *
 * Returns: (transfer full): the file, or %NULL when it is too large, not text,
 *   or has no setting at all
 */
RdRdpFile *
rd_rdp_file_parse (GBytes  *bytes,
                   GError **error)
{
  g_autoptr(RdRdpFile) self = NULL;
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  RdRdpFileEncoding encoding;
  const guint8 *data;
  gsize len;
  guint n_settings = 0;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  if (len > RD_RDP_FILE_MAX_SIZE)
    {
      g_autofree char *size = g_format_size (len);

      /* Translators: %s is a file size such as "10.5 MB" */
      g_set_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_TOO_LARGE,
                   _("This file is too large (%s) to be a Remote Desktop file, which is a few kilobytes. Files over 1 MiB are not read."),
                   size);
      return NULL;
    }

  if (len == 0)
    {
      g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NO_SETTINGS,
                           _("This file is empty."));
      return NULL;
    }

  text = decode (data, len, &encoding, error);
  if (text == NULL)
    return NULL;

  self = rd_rdp_file_new ();
  self->encoding = encoding;

  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *raw = lines[i];
      gsize n = strlen (raw);
      Line *line;

      if (n > 0 && raw[n - 1] == '\r')
        raw[n - 1] = '\0';
      /* the last line break does not start another line */
      if (lines[i + 1] == NULL && *raw == '\0')
        break;

      line = parse_line (raw);
      if (line->key != NULL)
        n_settings++;
      g_ptr_array_add (self->lines, line);
    }

  if (n_settings == 0)
    {
      g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NO_SETTINGS,
                           _("This file has no Remote Desktop settings: none of its lines looks like “full address:s:pc42.example.com”."));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * rd_rdp_file_load:
 * @file: the .rdp file
 * @cancellable: (nullable): a #GCancellable
 * @error: a #RD_RDP_FILE_ERROR, or GIO's error when it cannot be read
 *
 * Reads at most %RD_RDP_FILE_MAX_SIZE bytes, then parses them. Blocking:
 * the wizard calls rd_rdp_file_load_async().
 *
 * Returns: (transfer full): the file, or %NULL
 */
RdRdpFile *
rd_rdp_file_load (GFile         *file,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *buffer = NULL;
  gsize n_read = 0;

  g_return_val_if_fail (G_IS_FILE (file), NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  /* One byte more than allowed tells a file that is too large, whatever its
   * size claims (a pipe or /dev/zero has none). */
  buffer = g_malloc (RD_RDP_FILE_MAX_SIZE + 1);
  if (!g_input_stream_read_all (G_INPUT_STREAM (stream), buffer, RD_RDP_FILE_MAX_SIZE + 1,
                                &n_read, cancellable, error))
    return NULL;

  if (n_read > RD_RDP_FILE_MAX_SIZE)
    {
      g_autoptr(GFileInfo) info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                                                  cancellable, NULL);
      goffset size = info != NULL ? g_file_info_get_size (info) : 0;
      g_autofree char *size_text = g_format_size (MAX (size, (goffset) n_read));

      g_set_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_TOO_LARGE,
                   _("This file is too large (%s) to be a Remote Desktop file, which is a few kilobytes. Files over 1 MiB are not read."),
                   size_text);
      return NULL;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&buffer), n_read);
  return rd_rdp_file_parse (bytes, error);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GError *error = NULL;
  RdRdpFile *file = rd_rdp_file_load (task_data, cancellable, &error);

  if (file == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, file, (GDestroyNotify) rd_rdp_file_unref);
}

/**
 * rd_rdp_file_load_async:
 *
 * rd_rdp_file_load() on a worker thread.
 */
void
rd_rdp_file_load_async (GFile               *file,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rd_rdp_file_load_async);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

/**
 * rd_rdp_file_load_finish:
 *
 * Returns: (transfer full): the file, or %NULL with @error set
 */
RdRdpFile *
rd_rdp_file_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rd_rdp_file_load_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

RdRdpFile *
rd_rdp_file_ref (RdRdpFile *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
rd_rdp_file_unref (RdRdpFile *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_ptr_array_unref (self->lines);
      g_free (self);
    }
}

RdRdpFileEncoding
rd_rdp_file_get_encoding (RdRdpFile *self)
{
  g_return_val_if_fail (self != NULL, RD_RDP_FILE_ENCODING_UTF16LE);

  return self->encoding;
}

/**
 * rd_rdp_file_get_string:
 * @key: a setting's name, such as "full address"; case does not matter
 *
 * Returns: (nullable): the setting's value as written, whatever its type
 */
const char *
rd_rdp_file_get_string (RdRdpFile  *self,
                        const char *key)
{
  Line *line;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  line = find_line (self, key);
  return line != NULL ? line->value : NULL;
}

/**
 * rd_rdp_file_get_int:
 * @value: (out): the number
 *
 * Returns: whether the file has @key with a number
 */
gboolean
rd_rdp_file_get_int (RdRdpFile  *self,
                     const char *key,
                     gint64     *value)
{
  const char *text;
  gint64 number;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  text = rd_rdp_file_get_string (self, key);
  if (text == NULL || !parse_int (text, &number))
    return FALSE;
  if (value != NULL)
    *value = number;
  return TRUE;
}

/**
 * rd_rdp_file_set_string:
 * @error: %RD_RDP_FILE_ERROR_INVALID_VALUE when @key or @value cannot be
 *   written (a colon in the key, a line break or control character anywhere)
 *
 * Sets a text setting ("s"): the first line with @key keeps its place, later
 * ones go; a new key goes at the end.
 */
gboolean
rd_rdp_file_set_string (RdRdpFile   *self,
                        const char  *key,
                        const char  *value,
                        GError     **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!is_valid_key (key) || !is_valid_value (value))
    {
      g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE,
                           _("This setting cannot be written to a Remote Desktop file: it contains a line break or another control character."));
      return FALSE;
    }

  set_line (self, key, 's', g_strdup (value));
  return TRUE;
}

void
rd_rdp_file_set_int (RdRdpFile  *self,
                     const char *key,
                     gint64      value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (is_valid_key (key));

  set_line (self, key, 'i', g_strdup_printf ("%" G_GINT64_FORMAT, value));
}

/**
 * rd_rdp_file_apply_settings:
 * @settings: settings as a catalog's "write-rdp" action gives them:
 *   "key:type:value" ("s" or "i"), separated by ";"
 * @address: (nullable): what "{address}" in a text value stands for
 *
 * Sets each of @settings (rd_rdp_file_set_string(), rd_rdp_file_set_int()).
 * Either all of them are set or, with @error set, none.
 *
 * Returns: %TRUE, or %FALSE with @error set: %RD_RDP_FILE_ERROR_NO_ADDRESS
 *   when a value needs @address and there is none, else
 *   %RD_RDP_FILE_ERROR_INVALID_VALUE
 */
gboolean
rd_rdp_file_apply_settings (RdRdpFile   *self,
                            const char  *settings,
                            const char  *address,
                            GError     **error)
{
  g_auto(GStrv) parts = NULL;
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (line_free);

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (settings != NULL, FALSE);

  parts = g_strsplit (settings, ";", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      Line *line;
      gint64 number;

      if (*g_strstrip (parts[i]) == '\0')
        continue;
      line = parse_line (parts[i]);
      g_ptr_array_add (parsed, line);

      if (line->key == NULL || (line->type != 's' && line->type != 'i') ||
          (line->type == 'i' && !parse_int (line->value, &number)))
        {
          g_set_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE,
                       _("“%s” is not a setting RDP Doctor can write to a Remote Desktop file."), parts[i]);
          return FALSE;
        }
      if (line->type == 's' && strstr (line->value, "{address}") != NULL)
        {
          g_auto(GStrv) pieces = NULL;

          if (address == NULL || *address == '\0')
            {
              g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NO_ADDRESS,
                                   _("The name did not lead to an address, so there is none to write into the file."));
              return FALSE;
            }
          pieces = g_strsplit (line->value, "{address}", -1);
          g_free (line->value);
          line->value = g_strjoinv (address, pieces);
        }
      if (!is_valid_key (line->key) || !is_valid_value (line->value))
        {
          g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE,
                               _("This setting cannot be written to a Remote Desktop file: it contains a line break or another control character."));
          return FALSE;
        }
    }

  for (guint i = 0; i < parsed->len; i++)
    {
      Line *line = g_ptr_array_index (parsed, i);
      gint64 number = 0;

      if (line->type == 'i' && parse_int (line->value, &number))
        rd_rdp_file_set_int (self, line->key, number);
      else
        set_line (self, line->key, 's', g_strdup (line->value));
    }
  return TRUE;
}

/**
 * rd_rdp_file_remove:
 *
 * Returns: whether @key was there
 */
gboolean
rd_rdp_file_remove (RdRdpFile  *self,
                    const char *key)
{
  g_autofree char *lower = NULL;
  gboolean removed = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  lower = g_ascii_strdown (key, -1);
  for (guint i = 0; i < self->lines->len;)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      if (line->key != NULL && g_str_equal (line->key, lower))
        {
          g_ptr_array_remove_index (self->lines, i);
          removed = TRUE;
        }
      else
        {
          i++;
        }
    }
  return removed;
}

/**
 * rd_rdp_file_dup_keys:
 *
 * Returns: (transfer full): every setting's key once, in the file's order
 */
GStrv
rd_rdp_file_dup_keys (RdRdpFile *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      if (line->key != NULL && g_hash_table_add (seen, line->key))
        g_strv_builder_add (builder, line->key);
    }
  return g_strv_builder_end (builder);
}

static const char *
get_address (RdRdpFile *self)
{
  const char *address = rd_rdp_file_get_string (self, "full address");

  if (address == NULL || *address == '\0')
    address = rd_rdp_file_get_string (self, "alternate full address");
  return address;
}

/**
 * rd_rdp_file_get_target:
 * @error: %RD_RDP_FILE_ERROR_NO_ADDRESS, or %RD_RDP_FILE_ERROR_INVALID_ADDRESS
 *   with rd_target_parse()'s message
 *
 * The computer the file connects to: "full address" (or "alternate full
 * address"), with the port it names, else "server port", else 3389.
 *
 * Returns: (transfer full): the target, or %NULL
 */
RdTarget *
rd_rdp_file_get_target (RdRdpFile  *self,
                        GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  const char *address;
  const char *port_text;
  gint64 port = RD_DEFAULT_RDP_PORT;
  RdTarget *target;

  g_return_val_if_fail (self != NULL, NULL);

  address = get_address (self);
  if (address == NULL || *address == '\0')
    {
      g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NO_ADDRESS,
                           _("This Remote Desktop file does not say which computer to connect to: it has no “full address” line."));
      return NULL;
    }

  port_text = rd_rdp_file_get_string (self, "server port");
  if (port_text != NULL && (!parse_int (port_text, &port) || port < 1 || port > 65535))
    {
      g_set_error_literal (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_ADDRESS,
                           _("The file’s “server port” is not a port number from 1 to 65535."));
      return NULL;
    }

  target = rd_target_parse (address, (guint16) port, &local_error);
  if (target == NULL)
    {
      /* Translators: %s says what is wrong with the address, as in the host field */
      g_set_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_ADDRESS,
                   _("The computer named in this file cannot be checked. %s"), local_error->message);
      return NULL;
    }
  return target;
}

/**
 * rd_rdp_file_dup_host:
 *
 * Returns: (transfer full) (nullable): the host part of the address as
 *   written, without a port or brackets; not validated
 */
char *
rd_rdp_file_dup_host (RdRdpFile *self)
{
  g_autoptr(RdTarget) target = NULL;
  const char *address;

  g_return_val_if_fail (self != NULL, NULL);

  target = rd_rdp_file_get_target (self, NULL);
  if (target != NULL)
    return g_strdup (rd_target_get_display_host (target));

  address = get_address (self);
  return address != NULL && *address != '\0' ? g_strstrip (g_strdup (address)) : NULL;
}

/**
 * rd_rdp_file_get_port:
 *
 * Returns: the port the file connects to, 3389 when it names none
 */
guint16
rd_rdp_file_get_port (RdRdpFile *self)
{
  g_autoptr(RdTarget) target = NULL;
  gint64 port;

  g_return_val_if_fail (self != NULL, RD_DEFAULT_RDP_PORT);

  target = rd_rdp_file_get_target (self, NULL);
  if (target != NULL)
    return rd_target_get_port (target);
  if (rd_rdp_file_get_int (self, "server port", &port) && port >= 1 && port <= 65535)
    return (guint16) port;
  return RD_DEFAULT_RDP_PORT;
}

/**
 * rd_rdp_file_dup_gateway:
 *
 * The RD Gateway the client goes through: "gatewayhostname" unless
 * "gatewayusagemethod" says not to use one (0 or 4).
 *
 * Returns: (transfer full) (nullable): "host[:port]" as written, not validated
 */
char *
rd_rdp_file_dup_gateway (RdRdpFile *self)
{
  const char *host;
  gint64 method;

  g_return_val_if_fail (self != NULL, NULL);

  host = rd_rdp_file_get_string (self, "gatewayhostname");
  if (host == NULL)
    return NULL;
  /* 0: never; 4: never, and bypass for local addresses (MS-TSGU clients) */
  if (rd_rdp_file_get_int (self, "gatewayusagemethod", &method) && (method == 0 || method == 4))
    return NULL;
  if (*host == '\0')
    return NULL;
  return g_strstrip (g_strdup (host));
}

/**
 * rd_rdp_file_get_username:
 *
 * Returns: (nullable): "username", as written ("DOMAIN\user", "user@example.com")
 */
const char *
rd_rdp_file_get_username (RdRdpFile *self)
{
  const char *name;

  g_return_val_if_fail (self != NULL, NULL);

  name = rd_rdp_file_get_string (self, "username");
  return name != NULL && *name != '\0' ? name : NULL;
}

/**
 * rd_rdp_file_get_client_protocols:
 * @protocols: (out): RD_PROTOCOL_* the client offers with this file
 *
 * What the client offers follows from two settings:
 * "enablecredsspsupport" (0: no NLA) and "negotiate security layer" (0: the
 * client offers one layer, not a choice). Without negotiation a client asks
 * for its strongest allowed layer alone, as FreeRDP's NegotiateSecurityLayer
 * does: NLA when allowed, else TLS.
 *
 * Returns: whether the file sets either, so that what the client offers is known
 */
gboolean
rd_rdp_file_get_client_protocols (RdRdpFile *self,
                                  guint32   *protocols)
{
  gint64 credssp = 1, negotiate = 1;
  gboolean has_credssp, has_negotiate;
  guint32 offered;

  g_return_val_if_fail (self != NULL, FALSE);

  has_credssp = rd_rdp_file_get_int (self, "enablecredsspsupport", &credssp);
  has_negotiate = rd_rdp_file_get_int (self, "negotiate security layer", &negotiate);

  if (negotiate != 0)
    offered = credssp != 0 ? RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX
                           : RD_PROTOCOL_RDP | RD_PROTOCOL_SSL;
  else
    offered = credssp != 0 ? RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID : RD_PROTOCOL_SSL;

  if (protocols != NULL)
    *protocols = offered;
  return has_credssp || has_negotiate;
}

/**
 * rd_rdp_file_to_text:
 *
 * Returns: (transfer full): the file as UTF-8 text with CRLF line ends,
 *   lines that are not settings as they were read
 */
char *
rd_rdp_file_to_text (RdRdpFile *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->lines, i);

      if (line->raw != NULL)
        g_string_append (text, line->raw);
      else
        g_string_append_printf (text, "%s:%c:%s", line->key, line->type, line->value);
      g_string_append (text, "\r\n");
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * rd_rdp_file_to_bytes:
 * @encoding: %RD_RDP_FILE_ENCODING_UTF16LE for what every Windows client reads
 *
 * Returns: (transfer full): the file's bytes
 */
GBytes *
rd_rdp_file_to_bytes (RdRdpFile         *self,
                      RdRdpFileEncoding  encoding)
{
  g_autofree char *text = NULL;
  g_autofree char *utf16 = NULL;
  GByteArray *bytes;
  gsize len = 0;

  g_return_val_if_fail (self != NULL, NULL);

  text = rd_rdp_file_to_text (self);
  if (encoding == RD_RDP_FILE_ENCODING_UTF8)
    {
      len = strlen (text);
      return g_bytes_new_take (g_steal_pointer (&text), len);
    }

  /* Valid UTF-8 throughout (decoded, or checked by the setters). */
  utf16 = g_convert (text, -1, "UTF-16LE", "UTF-8", NULL, &len, NULL);
  g_assert (utf16 != NULL);

  bytes = g_byte_array_sized_new (len + 2);
  g_byte_array_append (bytes, (const guint8 *) "\xff\xfe", 2);
  g_byte_array_append (bytes, (const guint8 *) utf16, len);
  return g_byte_array_free_to_bytes (bytes);
}
