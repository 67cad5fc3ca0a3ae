/* rd-cert-cache.c: the server certificates FreeRDP-based clients remember
 *
 * Where they are (FreeRDP's libfreerdp/crypto/certificate_store.c and
 * certificate_data.c, Remmina's plugins/rdp/rdp_plugin.c):
 *
 * - FreeRDP 3 keeps the whole certificate it accepted in
 *   <config>/server/<host>_<port>.pem, the name lowercased, ':' made '.' and
 *   '/' or '\' made '_'.
 * - FreeRDP 2 appends "host port fingerprint subject issuer" lines to
 *   <config>/known_hosts2: the fingerprint is SHA-256 as colon-separated
 *   lowercase hex (SHA-1 before 2.0.0), subject and issuer are base64.
 * - <config> is $XDG_CONFIG_HOME/freerdp. Remmina points FreeRDP at
 *   <its data directory>/RDP when that directory exists ($XDG_DATA_HOME/remmina,
 *   or the legacy ~/.remmina), else FreeRDP's default is used.
 * - A Flatpak has its own $XDG_CONFIG_HOME and $XDG_DATA_HOME under
 *   ~/.var/app/<app id>/.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-cert-cache"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <openssl/pem.h>
#include <string.h>
#include <sys/stat.h>

#include "rd-cert-cache.h"
#include "rd-certificate.h"
#include "rd-openssl-private.h"

/* A known_hosts2 or .pem file larger than this is not one FreeRDP wrote. */
#define MAX_FILE_SIZE (4 * 1024 * 1024)

typedef struct
{
  const char *client;    /* report key */
  char       *directory; /* FreeRDP's config path for that client */
} Store;

static GArray *
list_stores (void)
{
  GArray *stores = g_array_new (FALSE, FALSE, sizeof (Store));
  const char *home = g_get_home_dir ();
  Store all[] = {
    { "freerdp", g_build_filename (g_get_user_config_dir (), "freerdp", NULL) },
    { "remmina", g_build_filename (g_get_user_data_dir (), "remmina", "RDP", NULL) },
    { "remmina", g_build_filename (home, ".remmina", "RDP", NULL) },
    { "freerdp-flatpak", g_build_filename (home, ".var", "app", "com.freerdp.FreeRDP", "config", "freerdp", NULL) },
    { "remmina-flatpak", g_build_filename (home, ".var", "app", "org.remmina.Remmina", "data", "remmina", "RDP", NULL) },
    { "remmina-flatpak", g_build_filename (home, ".var", "app", "org.remmina.Remmina", "config", "freerdp", NULL) },
    { "gnome-connections-flatpak", g_build_filename (home, ".var", "app", "org.gnome.Connections", "config", "freerdp", NULL) },
  };

  g_array_append_vals (stores, all, G_N_ELEMENTS (all));
  return stores;
}

/**
 * rd_cert_cache_file_name:
 *
 * Returns: (transfer full): the name FreeRDP 3 gives the file that holds the
 *   certificate it accepted for @host and @port
 */
char *
rd_cert_cache_file_name (const char *host,
                         guint16     port)
{
  g_autofree char *name = g_strdup_printf ("%s_%u.pem", host, port);

  for (char *p = name; *p != '\0'; p++)
    {
      if (*p == ':')
        *p = '.';
      else if (*p == '/' || *p == '\\')
        *p = '_';
    }
  return g_ascii_strdown (name, -1);
}

/* Uppercase hex without separators, as rd_certificate_describe() writes it */
static char *
normalize_fingerprint (const char *text)
{
  GString *hex = g_string_new (NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_toupper (*p));
      else if (*p != ':')
        {
          g_string_free (hex, TRUE);
          return NULL;
        }
    }
  return g_string_free (hex, FALSE);
}

static char *
decode_base64_text (const char *text)
{
  gsize length = 0;
  g_autofree guchar *data = g_base64_decode (text, &length);

  return g_utf8_make_valid ((const char *) data, length);
}

static gboolean
read_small_file (const char  *path,
                 char       **contents,
                 gsize       *length)
{
  GStatBuf info;

  if (g_stat (path, &info) != 0 || !S_ISREG (info.st_mode) || info.st_size > MAX_FILE_SIZE)
    return FALSE;
  return g_file_get_contents (path, contents, length, NULL);
}

static JsonObject *
read_pem (const char *client,
          const char *path,
          GDateTime  *now)
{
  g_autofree char *contents = NULL;
  g_autoptr(BIO) bio = NULL;
  g_autoptr(X509) certificate = NULL;
  g_autofree char *quoted = NULL;
  g_autofree char *forget = NULL;
  JsonObject *entry;
  gsize length = 0;

  if (!read_small_file (path, &contents, &length))
    return NULL;

  entry = json_object_new ();
  json_object_set_string_member (entry, "client", client);
  json_object_set_string_member (entry, "store", "pem");
  json_object_set_string_member (entry, "path", path);
  quoted = g_shell_quote (path);
  forget = g_strdup_printf ("rm -- %s", quoted);
  json_object_set_string_member (entry, "forget_command", forget);

  bio = BIO_new_mem_buf (contents, (int) MIN (length, (gsize) G_MAXINT));
  certificate = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  if (certificate == NULL)
    {
      json_object_set_boolean_member (entry, "readable", FALSE);
      return entry;
    }

  {
    g_autoptr(JsonObject) description = rd_certificate_describe (certificate, 1);
    static const char * const copied[] = {
      "sha256", "sha1", "subject_cn", "issuer", "not_before", "not_after",
      "self_signed", "expired", "not_yet_valid", "days_left",
    };

    rd_certificate_note_validity (description, now);
    json_object_set_boolean_member (entry, "readable", TRUE);
    for (guint i = 0; i < G_N_ELEMENTS (copied); i++)
      {
        JsonNode *node = json_object_get_member (description, copied[i]);

        if (node != NULL)
          json_object_set_member (entry, copied[i], json_node_copy (node));
      }
  }
  return entry;
}

/* The lines of a known_hosts2 file for @host and @port, compared as FreeRDP 2
 * does: the host exactly (FreeRDP lowercases it), the port as a number. */
static void
read_known_hosts (const char *client,
                  const char *path,
                  const char *host,
                  guint16     port,
                  JsonArray  *entries)
{
  g_autofree char *contents = NULL;
  g_autofree char *lower = g_ascii_strdown (host, -1);
  g_auto(GStrv) lines = NULL;
  gsize length = 0;

  if (!read_small_file (path, &contents, &length))
    return;

  lines = g_strsplit_set (contents, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *fingerprint = NULL;
      guint64 line_port;
      JsonObject *entry;

      if (*lines[i] == '#' || *lines[i] == '\0')
        continue;
      fields = g_strsplit_set (lines[i], " \t", 6);
      if (g_strv_length (fields) < 3 || g_strcmp0 (fields[0], lower) != 0 ||
          !g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXUINT16, &line_port, NULL) ||
          line_port != port)
        continue;

      fingerprint = normalize_fingerprint (fields[2]);
      entry = json_object_new ();
      json_object_set_string_member (entry, "client", client);
      json_object_set_string_member (entry, "store", "known_hosts2");
      json_object_set_string_member (entry, "path", path);
      json_object_set_int_member (entry, "line", i + 1);
      if (fingerprint != NULL && strlen (fingerprint) == 64)
        json_object_set_string_member (entry, "sha256", fingerprint);
      else if (fingerprint != NULL && strlen (fingerprint) == 40)
        json_object_set_string_member (entry, "sha1", fingerprint);
      json_object_set_boolean_member (entry, "readable", fingerprint != NULL &&
                                      (strlen (fingerprint) == 64 || strlen (fingerprint) == 40));
      if (fields[3] != NULL)
        {
          g_autofree char *subject = decode_base64_text (fields[3]);
          json_object_set_string_member (entry, "subject", subject);
        }
      if (fields[3] != NULL && fields[4] != NULL)
        {
          g_autofree char *issuer = decode_base64_text (fields[4]);
          json_object_set_string_member (entry, "issuer", issuer);
        }

      /* removes exactly the lines for this host and port, keeping the rest */
      {
        g_autofree char *new_path = g_strconcat (path, ".new", NULL);
        g_autofree char *quoted_host = g_shell_quote (lower);
        g_autofree char *quoted_path = g_shell_quote (path);
        g_autofree char *quoted_new = g_shell_quote (new_path);
        g_autofree char *forget = g_strdup_printf ("awk -v h=%s -v p=%u '!($1 == h && $2 == p)' %s > %s && mv -- %s %s",
                                                   quoted_host, port, quoted_path, quoted_new,
                                                   quoted_new, quoted_path);

        json_object_set_string_member (entry, "forget_command", forget);
      }
      json_array_add_object_element (entries, entry);
    }
}

/**
 * rd_cert_cache_lookup:
 * @host: the host as the client was given it
 * @now: this machine's clock, to note whether a cached certificate had expired
 *
 * Returns: (transfer full): one object per cached certificate for @host and
 *   @port: `client`, `store` ("pem" or "known_hosts2"), `path`, `sha256` or
 *   `sha1`, `readable`, `forget_command` (a sh command that removes only this
 *   entry), and for .pem files the dates, `self_signed`, `expired`, `days_left`
 */
JsonArray *
rd_cert_cache_lookup (const char *host,
                      guint16     port,
                      GDateTime  *now)
{
  JsonArray *entries = json_array_new ();
  g_autoptr(GArray) stores = list_stores ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *file_name = rd_cert_cache_file_name (host, port);

  for (guint i = 0; i < stores->len; i++)
    {
      Store *store = &g_array_index (stores, Store, i);
      g_autofree char *pem = g_build_filename (store->directory, "server", file_name, NULL);
      g_autofree char *known_hosts = g_build_filename (store->directory, "known_hosts2", NULL);
      JsonObject *entry;

      /* the same directory may be reached twice (XDG_DATA_HOME = ~/.remmina…) */
      if (g_hash_table_add (seen, g_canonicalize_filename (store->directory, NULL)))
        {
          if ((entry = read_pem (store->client, pem, now)) != NULL)
            json_array_add_object_element (entries, entry);
          read_known_hosts (store->client, known_hosts, host, port, entries);
        }
      g_free (store->directory);
    }
  return entries;
}

/* ---- forgetting one entry ------------------------------------------------- */

/* Whether @path is @name in one of the stores: the only files forgetting may
 * touch, whatever an entry says. */
static gboolean
is_store_file (const char *path,
               const char *subdirectory,
               const char *name)
{
  g_autoptr(GArray) stores = list_stores ();
  gboolean found = FALSE;

  for (guint i = 0; i < stores->len; i++)
    {
      Store *store = &g_array_index (stores, Store, i);
      g_autofree char *expected = g_build_filename (store->directory, subdirectory != NULL ? subdirectory : name,
                                                    subdirectory != NULL ? name : NULL, NULL);

      found = found || g_strcmp0 (expected, path) == 0;
      g_free (store->directory);
    }
  return found;
}

static gboolean
set_refused (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("This is not a certificate a Remote Desktop client remembers: RDP Doctor leaves it alone."));
  return FALSE;
}

static gboolean
forget_pem (const char  *path,
            const char  *host,
            guint16      port,
            GError     **error)
{
  g_autofree char *name = rd_cert_cache_file_name (host, port);
  GStatBuf info;

  if (!is_store_file (path, "server", name))
    return set_refused (error);

  /* Already gone is forgotten; a link or a folder is not what FreeRDP wrote */
  if (g_lstat (path, &info) != 0)
    return errno == ENOENT || set_refused (error);
  if (!S_ISREG (info.st_mode))
    return set_refused (error);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_autofree char *shown = g_filename_display_name (path);

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("%s could not be removed: %s"), shown, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* Removes line @line_number (from 1) when it still is @host and @port's; the
 * other lines stay as they were, byte for byte. */
static gboolean
forget_known_hosts_line (const char  *path,
                         const char  *host,
                         guint16      port,
                         gint64       line_number,
                         GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *lower = g_ascii_strdown (host, -1);
  g_autofree char *shown = g_filename_display_name (path);
  g_autoptr(GString) kept = NULL;
  const char *line;
  gint64 number = 1;
  gsize length = 0;
  GStatBuf info;
  gboolean removed = FALSE;

  if (!is_store_file (path, NULL, "known_hosts2"))
    return set_refused (error);
  if (g_lstat (path, &info) != 0)
    return errno == ENOENT || set_refused (error);
  if (!S_ISREG (info.st_mode) || info.st_size > MAX_FILE_SIZE)
    return set_refused (error);
  if (!g_file_get_contents (path, &contents, &length, error))
    return FALSE;

  kept = g_string_sized_new (length);
  for (line = contents; line < contents + length; number++)
    {
      const char *end = memchr (line, '\n', contents + length - line);
      const char *next = end != NULL ? end + 1 : contents + length;

      if (number == line_number)
        {
          g_autofree char *text = g_strndup (line, (end != NULL ? end : next) - line);
          g_auto(GStrv) fields = g_strsplit_set (g_strchomp (text), " \t", 3);
          guint64 line_port = 0;

          if (g_strv_length (fields) >= 3 && g_strcmp0 (fields[0], lower) == 0 &&
              g_ascii_string_to_unsigned (fields[1], 10, 0, G_MAXUINT16, &line_port, NULL) &&
              line_port == port)
            {
              removed = TRUE;
              line = next;
              continue;
            }
        }
      g_string_append_len (kept, line, next - line);
      line = next;
    }

  if (!removed)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("%s changed since RDP Doctor read it: check again, then forget the certificate."), shown);
      return FALSE;
    }
  return g_file_set_contents_full (path, kept->str, kept->len, G_FILE_SET_CONTENTS_CONSISTENT,
                                   info.st_mode & 0777, error);
}

/**
 * rd_cert_cache_forget:
 * @entry: one entry of rd_cert_cache_lookup() (with the `host` and `port`
 *   the local check adds)
 *
 * Forgets the certificate @entry describes, without a shell: its .pem file
 * is removed, or its one line of known_hosts2; nothing else. Only the files
 * rd_cert_cache_lookup() reads can be touched, so an entry from elsewhere
 * cannot name another file. An entry already gone counts as forgotten.
 *
 * Returns: %TRUE, or %FALSE with @error set (%G_IO_ERROR)
 */
gboolean
rd_cert_cache_forget (JsonObject  *entry,
                      GError     **error)
{
  const char *store, *path, *host;
  gint64 port;

  g_return_val_if_fail (entry != NULL, FALSE);

  store = json_object_get_string_member_with_default (entry, "store", NULL);
  path = json_object_get_string_member_with_default (entry, "path", NULL);
  host = json_object_get_string_member_with_default (entry, "host", NULL);
  port = json_object_get_int_member_with_default (entry, "port", 0);

  if (store == NULL || path == NULL || host == NULL || port <= 0 || port > G_MAXUINT16 ||
      !g_path_is_absolute (path))
    return set_refused (error);

  if (g_str_equal (store, "pem"))
    return forget_pem (path, host, port, error);
  if (g_str_equal (store, "known_hosts2"))
    return forget_known_hosts_line (path, host, port,
                                    json_object_get_int_member_with_default (entry, "line", 0), error);
  return set_refused (error);
}

static void
forget_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  JsonArray *entries = task_data;

  /* Lines count from the file's start: the last ones first keep the earlier
   * numbers right. */
  for (guint i = json_array_get_length (entries); i > 0; i--)
    {
      GError *error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (!rd_cert_cache_forget (json_array_get_object_element (entries, i - 1), &error))
        {
          g_task_return_error (task, error);
          return;
        }
    }
  g_task_return_boolean (task, TRUE);
}

static gint
compare_lines (gconstpointer a,
               gconstpointer b)
{
  JsonObject *x = json_node_get_object (*(JsonNode **) a);
  JsonObject *y = json_node_get_object (*(JsonNode **) b);
  int by_path = g_strcmp0 (json_object_get_string_member_with_default (x, "path", NULL),
                           json_object_get_string_member_with_default (y, "path", NULL));
  gint64 lx = json_object_get_int_member_with_default (x, "line", 0);
  gint64 ly = json_object_get_int_member_with_default (y, "line", 0);

  if (by_path != 0)
    return by_path;
  return lx < ly ? -1 : lx > ly ? 1 : 0;
}

/**
 * rd_cert_cache_forget_async:
 * @entries: entries of rd_cert_cache_lookup() to forget
 *
 * Forgets each of @entries (rd_cert_cache_forget()) on a worker thread,
 * stopping at the first that fails.
 */
void
rd_cert_cache_forget_async (JsonArray           *entries,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  JsonArray *sorted = json_array_new ();

  g_return_if_fail (entries != NULL);

  /* A copy in line order: the thread must not share the caller's objects. */
  for (guint i = 0; i < json_array_get_length (entries); i++)
    g_ptr_array_add (nodes, json_array_get_element (entries, i));
  g_ptr_array_sort (nodes, compare_lines);
  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (sorted, json_node_copy (g_ptr_array_index (nodes, i)));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, rd_cert_cache_forget_async);
  g_task_set_task_data (task, sorted, (GDestroyNotify) json_array_unref);
  g_task_run_in_thread (task, forget_in_thread);
}

gboolean
rd_cert_cache_forget_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rd_cert_cache_forget_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
