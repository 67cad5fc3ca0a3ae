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

#include <gio/gio.h>
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
