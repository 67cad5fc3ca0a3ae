/* rd-org-config.c: the organisation's defaults, set by IT staff without a rebuild
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-org-config"

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "rd-catalog.h"
#include "rd-org-config.h"
#include "rd-target.h"

/* Three layers, each overriding the one before it, key by key:
 *
 *  1. the built-in defaults below;
 *  2. GSettings, where a vendor override (a .gschema.override file) lands;
 *     skipped when the schema is not installed (the CLI, tests), and only keys
 *     that an override or the user changed count as set there;
 *  3. the system-wide key file: $RD_ORG_CONFIG, or
 *     SYSCONFDIR/rdp-doctor/organization.conf. Inside the Flatpak SYSCONFDIR is
 *     /app/etc, where the io.github.rdpdoctor.RdpDoctor.Config extension is mounted.
 *
 * A configuration mistake never stops the program: the bad value is logged with
 * g_message() (IT staff read it in the journal; tests run with fatal warnings)
 * naming the file, line and key, and the key keeps its built-in value. */

#define GATEWAY_DEFAULT_PORT 443

/* A key file is a few hundred bytes; notes for every cause in many languages
 * stay far below this. Larger files, and what is not a file, are not read. */
#define MAX_KEY_FILE_SIZE (1024 * 1024)

#define ORIGIN_BUILT_IN  "built-in"
#define ORIGIN_GSETTINGS "GSettings"

#define GROUP_ORGANIZATION "Organization"
#define GROUP_CAUSE_NOTES  "CauseNotes"

#define SETTINGS_CAUSE_NOTES "cause-notes"

typedef enum
{
  KEY_DEFAULT_GATEWAY,
  KEY_DEFAULT_PORT,
  KEY_HELPDESK_NAME,
  KEY_HELPDESK_CONTACT,
  KEY_HELPDESK_URL,
  KEY_REPORT_ENDPOINT,
  KEY_REDACT_REPORTS,
  N_KEYS
} Key;

typedef enum
{
  KIND_TEXT,      /* any text, may be translated in the key file */
  KIND_GATEWAY,   /* empty, or host[:port] */
  KIND_WEB_URL,   /* empty, or http(s):// */
  KIND_ENDPOINT,  /* empty, or https:// */
  KIND_PORT,
  KIND_BOOLEAN,
} Kind;

static const struct
{
  const char *settings_key;
  const char *file_key;
  Kind        kind;
} keys[N_KEYS] = {
  [KEY_DEFAULT_GATEWAY]  = { "default-gateway",  "DefaultGateway",  KIND_GATEWAY },
  [KEY_DEFAULT_PORT]     = { "default-port",     "DefaultPort",     KIND_PORT },
  [KEY_HELPDESK_NAME]    = { "helpdesk-name",    "HelpdeskName",    KIND_TEXT },
  [KEY_HELPDESK_CONTACT] = { "helpdesk-contact", "HelpdeskContact", KIND_TEXT },
  [KEY_HELPDESK_URL]     = { "helpdesk-url",     "HelpdeskUrl",     KIND_WEB_URL },
  [KEY_REPORT_ENDPOINT]  = { "report-endpoint",  "ReportEndpoint",  KIND_ENDPOINT },
  [KEY_REDACT_REPORTS]   = { "redact-reports",   "RedactReports",   KIND_BOOLEAN },
};

struct _RdOrgConfig
{
  GObject     parent_instance;

  char       *strings[N_KEYS];    /* the text keys; NULL for the port and the boolean */
  guint16     default_port;
  gboolean    redact_reports;
  GHashTable *cause_notes;        /* cause id → note in the user's language */

  /* Where each value came from: ORIGIN_*, or the key file's path. */
  char       *origins[N_KEYS];
  char       *cause_notes_origin;
};

G_DEFINE_FINAL_TYPE (RdOrgConfig, rd_org_config, G_TYPE_OBJECT)

/* In the order of Key, one past it. */
enum {
  PROP_0,
  PROP_DEFAULT_GATEWAY,
  PROP_DEFAULT_PORT,
  PROP_HELPDESK_NAME,
  PROP_HELPDESK_CONTACT,
  PROP_HELPDESK_URL,
  PROP_REPORT_ENDPOINT,
  PROP_REDACT_REPORTS,
  N_PROPS
};

static GParamSpec *properties [N_PROPS];

static void
set_origin (RdOrgConfig *self,
            Key          key,
            const char  *origin)
{
  g_free (self->origins[key]);
  self->origins[key] = g_strdup (origin);
}

static void
set_string (RdOrgConfig *self,
            Key          key,
            const char  *value,
            const char  *origin)
{
  set_origin (self, key, origin);
  if (g_strcmp0 (self->strings[key], value) == 0)
    return;
  g_free (self->strings[key]);
  self->strings[key] = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[key + 1]);
}

static void
set_port (RdOrgConfig *self,
          guint16      port,
          const char  *origin)
{
  set_origin (self, KEY_DEFAULT_PORT, origin);
  if (self->default_port == port)
    return;
  self->default_port = port;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEFAULT_PORT]);
}

static void
set_boolean (RdOrgConfig *self,
             gboolean     value,
             const char  *origin)
{
  set_origin (self, KEY_REDACT_REPORTS, origin);
  value = !!value;
  if (self->redact_reports == value)
    return;
  self->redact_reports = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REDACT_REPORTS]);
}

static void
reset_to_built_in (RdOrgConfig *self,
                   Key          key)
{
  switch (keys[key].kind)
    {
    case KIND_PORT:
      set_port (self, RD_DEFAULT_RDP_PORT, ORIGIN_BUILT_IN);
      break;
    case KIND_BOOLEAN:
      set_boolean (self, FALSE, ORIGIN_BUILT_IN);
      break;
    case KIND_TEXT:
    case KIND_GATEWAY:
    case KIND_WEB_URL:
    case KIND_ENDPOINT:
    default:
      set_string (self, key, "", ORIGIN_BUILT_IN);
      break;
    }
}

static const char *
describe_built_in (Key key)
{
  switch (keys[key].kind)
    {
    case KIND_PORT:
      return G_STRINGIFY (RD_DEFAULT_RDP_PORT);
    case KIND_BOOLEAN:
      return "false";
    case KIND_TEXT:
    case KIND_GATEWAY:
    case KIND_WEB_URL:
    case KIND_ENDPOINT:
    default:
      return "none";
    }
}

static gboolean
check_url (const char  *text,
           gboolean     https_only,
           char       **problem)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  const char *scheme;

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, &error);
  if (uri == NULL)
    {
      *problem = g_strdup_printf ("“%s” is not a web address (%s)", text, error->message);
      return FALSE;
    }

  scheme = g_uri_get_scheme (uri);
  if (https_only && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      *problem = g_strdup_printf ("“%s” is not an https:// address; reports are only ever sent over HTTPS", text);
      return FALSE;
    }
  if (!https_only && g_ascii_strcasecmp (scheme, "https") != 0 && g_ascii_strcasecmp (scheme, "http") != 0)
    {
      *problem = g_strdup_printf ("“%s” is not an http:// or https:// address", text);
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || g_uri_get_host (uri)[0] == '\0')
    {
      *problem = g_strdup_printf ("“%s” names no server", text);
      return FALSE;
    }
  return TRUE;
}

/* Empty text is always fine: it says "none" and overrides a lower layer. */
static gboolean
check_text (Key          key,
            const char  *text,
            char       **problem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdTarget) gateway = NULL;

  if (text[0] == '\0')
    return TRUE;

  switch (keys[key].kind)
    {
    case KIND_GATEWAY:
      gateway = rd_target_parse (text, GATEWAY_DEFAULT_PORT, &error);
      if (gateway == NULL)
        {
          *problem = g_strdup_printf ("“%s” is not a gateway name (%s)", text, error->message);
          return FALSE;
        }
      return TRUE;
    case KIND_WEB_URL:
      return check_url (text, FALSE, problem);
    case KIND_ENDPOINT:
      return check_url (text, TRUE, problem);
    case KIND_TEXT:
    case KIND_PORT:
    case KIND_BOOLEAN:
    default:
      return TRUE;
    }
}

static char *
known_cause_ids (void)
{
  GPtrArray *causes = rd_catalog_get_causes (rd_catalog_get_default ());
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < causes->len; i++)
    {
      const RdCatalogCause *cause = g_ptr_array_index (causes, i);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, cause->id);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
is_known_cause (const char *cause_id)
{
  return rd_catalog_lookup (rd_catalog_get_default (), cause_id) != NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* "port-filtered[de]" → "port-filtered"; NULL when there is no locale part. */
static char *
strip_locale (const char *key)
{
  const char *bracket = strchr (key, '[');

  return bracket != NULL ? g_strndup (key, bracket - key) : NULL;
}

static void
set_cause_note (RdOrgConfig *self,
                const char  *cause_id,
                const char  *note,
                const char  *origin)
{
  /* An empty note takes away the one a lower layer gave. */
  if (note == NULL || note[0] == '\0')
    g_hash_table_remove (self->cause_notes, cause_id);
  else
    g_hash_table_replace (self->cause_notes, g_strdup (cause_id), g_strdup (note));
  g_free (self->cause_notes_origin);
  self->cause_notes_origin = g_strdup (origin);
}

/* GSettings ------------------------------------------------------------------ */

/* The built-in value of @key as GSettings would hold it. */
static GVariant *
built_in_variant (Key key)
{
  switch (keys[key].kind)
    {
    case KIND_PORT:
      return g_variant_new_uint16 (RD_DEFAULT_RDP_PORT);
    case KIND_BOOLEAN:
      return g_variant_new_boolean (FALSE);
    case KIND_TEXT:
    case KIND_GATEWAY:
    case KIND_WEB_URL:
    case KIND_ENDPOINT:
    default:
      return g_variant_new_string ("");
    }
}

/* TRUE when a vendor override or the user gave @key another value than the
 * built-in one. glib-compile-schemas bakes vendor overrides into the schema's
 * default, so "another value than the schema's default" cannot tell them apart. */
static gboolean
settings_key_is_set (GSettings *settings,
                     Key        key)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, keys[key].settings_key);
  g_autoptr(GVariant) built_in = g_variant_ref_sink (built_in_variant (key));

  return !g_variant_equal (value, built_in);
}

static const char *
pick_localised (GHashTable *notes,
                const char *cause_id)
{
  const char * const *languages = g_get_language_names ();

  for (guint i = 0; languages[i] != NULL; i++)
    {
      g_autofree char *key = g_strdup_printf ("%s[%s]", cause_id, languages[i]);
      const char *note = g_hash_table_lookup (notes, key);

      if (note != NULL)
        return note;
    }
  return g_hash_table_lookup (notes, cause_id);
}

static void
apply_settings_notes (RdOrgConfig *self,
                      GSettings   *settings)
{
  g_autoptr(GVariant) value = g_settings_get_value (settings, SETTINGS_CAUSE_NOTES);
  g_autoptr(GHashTable) raw = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GVariantIter iter;
  GHashTableIter ids_iter;
  const char *key;
  const char *note;

  g_variant_iter_init (&iter, value);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &note))
    {
      g_autofree char *base = strip_locale (key);

      g_hash_table_replace (raw, g_strdup (key), g_strdup (note));
      g_hash_table_add (ids, base != NULL ? g_steal_pointer (&base) : g_strdup (key));
    }

  g_hash_table_iter_init (&ids_iter, ids);
  while (g_hash_table_iter_next (&ids_iter, (gpointer *) &key, NULL))
    {
      if (!is_known_cause (key))
        {
          g_autofree char *known = known_cause_ids ();

          g_message ("GSettings key %s %s: unknown cause id “%s”, its note is ignored (known ids: %s)",
                     RD_ORG_CONFIG_SCHEMA_ID, SETTINGS_CAUSE_NOTES, key, known);
          continue;
        }
      set_cause_note (self, key, pick_localised (raw, key), ORIGIN_GSETTINGS);
    }
}

/* Key file ------------------------------------------------------------------- */

typedef struct
{
  const char *path;
  const char *contents;
  GKeyFile   *key_file;
} Source;

/* The number of the first line GKeyFile cannot have parsed, or 0. */
static guint
find_unparsable_line (const char *contents)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  gboolean in_group = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *equals;

      while (g_ascii_isspace (*line))
        line++;
      if (*line == '\0' || *line == '#')
        continue;
      if (*line == '[')
        {
          const char *end = strchr (line, ']');

          if (end == NULL || end == line + 1)
            return i + 1;
          in_group = TRUE;
          continue;
        }
      equals = strchr (line, '=');
      if (!in_group || equals == NULL || equals == line)
        return i + 1;
    }
  return 0;
}

/* The number of the line that sets @key (exactly, locale part included) in @group, or 0. */
static guint
find_key_line (const char *contents,
               const char *group,
               const char *key)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);
  gboolean in_group = FALSE;
  gsize key_length = strlen (key);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (line[0] == '[')
        {
          in_group = strcmp (line, header) == 0;
          continue;
        }
      if (!in_group || strncmp (line, key, key_length) != 0)
        continue;
      for (const char *p = line + key_length; *p != '\0'; p++)
        {
          if (*p == '=')
            return i + 1;
          if (!g_ascii_isspace (*p))
            break;
        }
    }
  return 0;
}

static guint
find_group_line (const char *contents,
                 const char *group)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  g_autofree char *header = g_strdup_printf ("[%s]", group);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (lines[i]));

      if (strcmp (line, header) == 0)
        return i + 1;
    }
  return 0;
}

static char *
describe_key (const Source *source,
              const char   *group,
              const char   *key)
{
  guint line = find_key_line (source->contents, group, key);

  if (line > 0)
    return g_strdup_printf ("%s line %u, [%s] %s", source->path, line, group, key);
  return g_strdup_printf ("%s, [%s] %s", source->path, group, key);
}

static void
report_bad_value (const Source *source,
                  const char   *file_key,
                  Key           key,
                  const char   *problem)
{
  g_autofree char *where = describe_key (source, GROUP_ORGANIZATION, file_key);

  g_message ("%s: %s; using the built-in value (%s)", where, problem, describe_built_in (key));
}

static gboolean
parse_boolean (const char *text,
               gboolean   *value)
{
  static const char * const yes[] = { "true", "yes", "on", "1", NULL };
  static const char * const no[] = { "false", "no", "off", "0", NULL };
  g_autofree char *word = g_ascii_strdown (text, -1);

  g_strstrip (word);
  if (g_strv_contains (yes, word))
    *value = TRUE;
  else if (g_strv_contains (no, word))
    *value = FALSE;
  else
    return FALSE;
  return TRUE;
}

static void
apply_file_key (RdOrgConfig  *self,
                const Source *source,
                Key           key)
{
  const char *file_key = keys[key].file_key;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *problem = NULL;

  if (keys[key].kind == KIND_TEXT)
    text = g_key_file_get_locale_string (source->key_file, GROUP_ORGANIZATION, file_key, NULL, &error);
  else
    text = g_key_file_get_string (source->key_file, GROUP_ORGANIZATION, file_key, &error);
  if (text == NULL)
    {
      /* Given only in other languages than the user's: nothing to take. */
      if (keys[key].kind == KIND_TEXT &&
          g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
        return;
      report_bad_value (source, file_key, key, error->message);
      reset_to_built_in (self, key);
      return;
    }
  if (keys[key].kind != KIND_TEXT)
    g_strstrip (text);

  switch (keys[key].kind)
    {
    case KIND_PORT:
      {
        guint64 port = 0;

        if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT16, &port, NULL))
          {
            problem = g_strdup_printf ("“%s” is not a port: a port is a number from 1 to 65535", text);
            report_bad_value (source, file_key, key, problem);
            reset_to_built_in (self, key);
            return;
          }
        set_port (self, (guint16) port, source->path);
      }
      break;

    case KIND_BOOLEAN:
      {
        gboolean value = FALSE;

        if (!parse_boolean (text, &value))
          {
            problem = g_strdup_printf ("“%s” is neither true nor false", text);
            report_bad_value (source, file_key, key, problem);
            reset_to_built_in (self, key);
            return;
          }
        set_boolean (self, value, source->path);
      }
      break;

    case KIND_TEXT:
    case KIND_GATEWAY:
    case KIND_WEB_URL:
    case KIND_ENDPOINT:
    default:
      if (!check_text (key, text, &problem))
        {
          report_bad_value (source, file_key, key, problem);
          reset_to_built_in (self, key);
          return;
        }
      set_string (self, key, text, source->path);
      break;
    }
}

static gboolean
find_file_key (const char *name,
               Key        *key)
{
  for (guint i = 0; i < N_KEYS; i++)
    if (strcmp (keys[i].file_key, name) == 0)
      {
        *key = i;
        return TRUE;
      }
  return FALSE;
}

static void
apply_organization_group (RdOrgConfig  *self,
                          const Source *source)
{
  g_auto(GStrv) names = g_key_file_get_keys (source->key_file, GROUP_ORGANIZATION, NULL, NULL);
  gboolean present[N_KEYS] = { FALSE, };

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *base = strip_locale (names[i]);
      const char *name = base != NULL ? base : names[i];
      Key key;

      if (!find_file_key (name, &key))
        {
          g_autofree char *where = describe_key (source, GROUP_ORGANIZATION, names[i]);

          g_message ("%s: unknown key, ignored (known keys: DefaultGateway, DefaultPort, HelpdeskName, "
                     "HelpdeskContact, HelpdeskUrl, ReportEndpoint, RedactReports)", where);
          continue;
        }
      if (base != NULL && keys[key].kind != KIND_TEXT)
        {
          g_autofree char *where = describe_key (source, GROUP_ORGANIZATION, names[i]);

          g_message ("%s: only HelpdeskName and HelpdeskContact can be given per language; ignored", where);
          continue;
        }
      present[key] = TRUE;
    }

  for (guint key = 0; key < N_KEYS; key++)
    if (present[key])
      apply_file_key (self, source, key);
}

static void
apply_cause_notes_group (RdOrgConfig  *self,
                         const Source *source)
{
  g_auto(GStrv) names = g_key_file_get_keys (source->key_file, GROUP_CAUSE_NOTES, NULL, NULL);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *base = strip_locale (names[i]);
      const char *id = base != NULL ? base : names[i];

      if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        g_ptr_array_add (ids, g_strdup (id));
    }

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GError) error = NULL;
      g_autofree char *note = NULL;

      if (!is_known_cause (id))
        {
          g_autofree char *where = describe_key (source, GROUP_CAUSE_NOTES, id);
          g_autofree char *known = known_cause_ids ();

          g_message ("%s: unknown cause id “%s”, its note is ignored (known ids: %s)", where, id, known);
          continue;
        }

      /* Picks id[ll_CC], id[ll], … for the user's language, then plain id. */
      note = g_key_file_get_locale_string (source->key_file, GROUP_CAUSE_NOTES, id, NULL, &error);
      if (note == NULL)
        {
          g_autofree char *where = NULL;

          /* Only notes in other languages than the user's: nothing to show. */
          if (g_error_matches (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND))
            continue;
          where = describe_key (source, GROUP_CAUSE_NOTES, id);
          g_message ("%s: %s; the note is ignored", where, error->message);
          continue;
        }
      set_cause_note (self, id, g_strstrip (note), source->path);
    }
}

/* GObject -------------------------------------------------------------------- */

static void
rd_org_config_finalize (GObject *object)
{
  RdOrgConfig *self = (RdOrgConfig *) object;

  for (guint i = 0; i < N_KEYS; i++)
    {
      g_clear_pointer (&self->strings[i], g_free);
      g_clear_pointer (&self->origins[i], g_free);
    }
  g_clear_pointer (&self->cause_notes, g_hash_table_unref);
  g_clear_pointer (&self->cause_notes_origin, g_free);

  G_OBJECT_CLASS (rd_org_config_parent_class)->finalize (object);
}

static void
rd_org_config_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  RdOrgConfig *self = RD_ORG_CONFIG (object);

  switch (prop_id)
    {
    case PROP_DEFAULT_GATEWAY:
    case PROP_HELPDESK_NAME:
    case PROP_HELPDESK_CONTACT:
    case PROP_HELPDESK_URL:
    case PROP_REPORT_ENDPOINT:
      g_value_set_string (value, self->strings[prop_id - 1]);
      break;

    case PROP_DEFAULT_PORT:
      g_value_set_uint (value, self->default_port);
      break;

    case PROP_REDACT_REPORTS:
      g_value_set_boolean (value, self->redact_reports);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rd_org_config_class_init (RdOrgConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = rd_org_config_finalize;
  object_class->get_property = rd_org_config_get_property;

  properties[PROP_DEFAULT_GATEWAY] = g_param_spec_string ("default-gateway", NULL, NULL, "", flags);
  properties[PROP_DEFAULT_PORT] = g_param_spec_uint ("default-port", NULL, NULL,
                                                     1, G_MAXUINT16, RD_DEFAULT_RDP_PORT, flags);
  properties[PROP_HELPDESK_NAME] = g_param_spec_string ("helpdesk-name", NULL, NULL, "", flags);
  properties[PROP_HELPDESK_CONTACT] = g_param_spec_string ("helpdesk-contact", NULL, NULL, "", flags);
  properties[PROP_HELPDESK_URL] = g_param_spec_string ("helpdesk-url", NULL, NULL, "", flags);
  properties[PROP_REPORT_ENDPOINT] = g_param_spec_string ("report-endpoint", NULL, NULL, "", flags);
  properties[PROP_REDACT_REPORTS] = g_param_spec_boolean ("redact-reports", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rd_org_config_init (RdOrgConfig *self)
{
  for (guint i = 0; i < N_KEYS; i++)
    {
      if (keys[i].kind != KIND_PORT && keys[i].kind != KIND_BOOLEAN)
        self->strings[i] = g_strdup ("");
      self->origins[i] = g_strdup (ORIGIN_BUILT_IN);
    }
  self->default_port = RD_DEFAULT_RDP_PORT;
  self->redact_reports = FALSE;
  self->cause_notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->cause_notes_origin = g_strdup (ORIGIN_BUILT_IN);
}

/* Public API ----------------------------------------------------------------- */

/**
 * rd_org_config_new:
 *
 * Returns: (transfer full): the built-in defaults: no gateway, port 3389, no
 *   help desk, no report endpoint, no redaction, no notes
 */
RdOrgConfig *
rd_org_config_new (void)
{
  return g_object_new (RD_TYPE_ORG_CONFIG, NULL);
}

/**
 * rd_org_config_load:
 * @settings: (nullable): the application's settings, or %NULL to skip that layer
 * @key_file_path: (nullable): the organisation's key file, or %NULL to skip it
 *
 * Merges the built-in defaults, then @settings, then the key file. A missing
 * key file is not a problem; a broken one is logged and ignored.
 *
 * Returns: (transfer full): the merged configuration
 */
RdOrgConfig *
rd_org_config_load (GSettings  *settings,
                    const char *key_file_path)
{
  RdOrgConfig *self = rd_org_config_new ();

  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), self);

  if (settings != NULL)
    rd_org_config_apply_settings (self, settings);
  if (key_file_path != NULL)
    rd_org_config_apply_key_file (self, key_file_path);
  return self;
}

/**
 * rd_org_config_load_default:
 *
 * What the wizard calls at start-up: the installed GSettings schema when there
 * is one (rd_org_config_lookup_settings()) and the key file at
 * rd_org_config_dup_default_path().
 *
 * Returns: (transfer full): the merged configuration
 */
RdOrgConfig *
rd_org_config_load_default (void)
{
  g_autoptr(GSettings) settings = rd_org_config_lookup_settings ();
  g_autofree char *path = rd_org_config_dup_default_path ();

  return rd_org_config_load (settings, path);
}

/**
 * rd_org_config_dup_default_path:
 *
 * Returns: (transfer full): $RD_ORG_CONFIG when set, else
 *   SYSCONFDIR/rdp-doctor/organization.conf (/etc/… for a /usr install,
 *   /app/etc/… inside the Flatpak)
 */
char *
rd_org_config_dup_default_path (void)
{
  const char *path = g_getenv (RD_ORG_CONFIG_ENV);

  if (path != NULL && path[0] != '\0')
    return g_strdup (path);
  return g_build_filename (SYSCONFDIR, "rdp-doctor", "organization.conf", NULL);
}

/**
 * rd_org_config_lookup_settings:
 *
 * The engine must run without its schema installed (the CLI from a build
 * tree, tests): g_settings_new() would abort there.
 *
 * Returns: (transfer full) (nullable): the application's settings, or %NULL
 *   when the schema is not installed
 */
GSettings *
rd_org_config_lookup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;
  schema = g_settings_schema_source_lookup (source, RD_ORG_CONFIG_SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("schema %s is not installed: no GSettings layer", RD_ORG_CONFIG_SCHEMA_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

/**
 * rd_org_config_apply_settings:
 *
 * Takes every organisation key that a vendor override or the user set in
 * @settings. Keys an older schema lacks are skipped.
 */
void
rd_org_config_apply_settings (RdOrgConfig *self,
                              GSettings   *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;

  g_return_if_fail (RD_IS_ORG_CONFIG (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_object_get (settings, "settings-schema", &schema, NULL);
  g_object_freeze_notify (G_OBJECT (self));

  for (guint key = 0; key < N_KEYS; key++)
    {
      const char *name = keys[key].settings_key;

      if (!g_settings_schema_has_key (schema, name))
        {
          g_debug ("schema %s has no key %s", g_settings_schema_get_id (schema), name);
          continue;
        }
      if (!settings_key_is_set (settings, key))
        continue;

      switch (keys[key].kind)
        {
        case KIND_PORT:
          {
            guint16 port = 0;

            g_settings_get (settings, name, "q", &port);
            if (port == 0)
              {
                g_message ("GSettings key %s %s: 0 is not a port; using the built-in value (%s)",
                           g_settings_schema_get_id (schema), name, describe_built_in (key));
                reset_to_built_in (self, key);
                break;
              }
            set_port (self, port, ORIGIN_GSETTINGS);
          }
          break;

        case KIND_BOOLEAN:
          set_boolean (self, g_settings_get_boolean (settings, name), ORIGIN_GSETTINGS);
          break;

        case KIND_TEXT:
        case KIND_GATEWAY:
        case KIND_WEB_URL:
        case KIND_ENDPOINT:
        default:
          {
            g_autofree char *text = g_settings_get_string (settings, name);
            g_autofree char *problem = NULL;

            if (keys[key].kind != KIND_TEXT)
              g_strstrip (text);
            if (!check_text (key, text, &problem))
              {
                g_message ("GSettings key %s %s: %s; using the built-in value (%s)",
                           g_settings_schema_get_id (schema), name, problem, describe_built_in (key));
                reset_to_built_in (self, key);
                break;
              }
            set_string (self, key, text, ORIGIN_GSETTINGS);
          }
          break;
        }
    }

  if (g_settings_schema_has_key (schema, SETTINGS_CAUSE_NOTES))
    apply_settings_notes (self, settings);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * rd_org_config_apply_key_file:
 * @path: an organization.conf file
 *
 * Takes the keys @path sets, over what is there already. A missing file
 * changes nothing. An unparsable one is logged, with its line, and ignored
 * as a whole; a bad value is logged and its key falls back to the built-in value.
 */
void
rd_org_config_apply_key_file (RdOrgConfig *self,
                              const char  *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GKeyFile) key_file = NULL;
  g_auto(GStrv) groups = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0;
  Source source;
  GStatBuf info;
  gboolean exists;

  g_return_if_fail (RD_IS_ORG_CONFIG (self));
  g_return_if_fail (path != NULL);

  /* g_file_get_contents() reads a device or a pipe until it ends, which
   * /dev/zero never does. (When stat() fails, g_file_get_contents() says why.) */
  exists = g_stat (path, &info) == 0;
  if (exists && !S_ISREG (info.st_mode))
    {
      g_message ("%s: not a regular file; its organisation settings are ignored", path);
      return;
    }
  if (exists && info.st_size > MAX_KEY_FILE_SIZE)
    {
      g_message ("%s: too large (%" G_GINT64_FORMAT " bytes, at most %d); its organisation settings are ignored",
                 path, (gint64) info.st_size, MAX_KEY_FILE_SIZE);
      return;
    }
  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      if (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_debug ("%s: no organisation key file", path);
      else
        g_message ("%s: cannot be read (%s); its organisation settings are ignored", path, error->message);
      return;
    }

  /* GKeyFile takes a NUL for the end of a line and quotes binary junk back
   * in its message; neither belongs in what an administrator reads. */
  if (!g_utf8_validate_len (contents, length, NULL))
    {
      g_message ("%s: not UTF-8 text (binary data, a NUL byte, or text saved as UTF-16); "
                 "its organisation settings are ignored", path);
      return;
    }

  key_file = g_key_file_new ();
  if (!g_key_file_load_from_data (key_file, contents, length, G_KEY_FILE_KEEP_TRANSLATIONS, &error))
    {
      guint line = find_unparsable_line (contents);

      if (line > 0)
        g_message ("%s line %u: %s; the whole file is ignored", path, line, error->message);
      else
        g_message ("%s: %s; the whole file is ignored", path, error->message);
      return;
    }

  source.path = path;
  source.contents = contents;
  source.key_file = key_file;

  groups = g_key_file_get_groups (key_file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (strcmp (groups[i], GROUP_ORGANIZATION) != 0 && strcmp (groups[i], GROUP_CAUSE_NOTES) != 0)
      g_message ("%s line %u: unknown group [%s], ignored (known groups: [%s], [%s])",
                 path, find_group_line (contents, groups[i]), groups[i],
                 GROUP_ORGANIZATION, GROUP_CAUSE_NOTES);

  g_object_freeze_notify (G_OBJECT (self));
  apply_organization_group (self, &source);
  apply_cause_notes_group (self, &source);
  g_object_thaw_notify (G_OBJECT (self));
}

const char *
rd_org_config_get_default_gateway (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);
  return self->strings[KEY_DEFAULT_GATEWAY];
}

guint16
rd_org_config_get_default_port (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), RD_DEFAULT_RDP_PORT);
  return self->default_port;
}

const char *
rd_org_config_get_helpdesk_name (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);
  return self->strings[KEY_HELPDESK_NAME];
}

const char *
rd_org_config_get_helpdesk_contact (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);
  return self->strings[KEY_HELPDESK_CONTACT];
}

const char *
rd_org_config_get_helpdesk_url (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);
  return self->strings[KEY_HELPDESK_URL];
}

/**
 * rd_org_config_has_helpdesk:
 *
 * Returns: whether the organisation named a help desk, a way to reach it, or
 *   a place to send reports: whether the wizard shows its help-desk box
 */
gboolean
rd_org_config_has_helpdesk (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), FALSE);
  return self->strings[KEY_HELPDESK_NAME][0] != '\0' ||
         self->strings[KEY_HELPDESK_CONTACT][0] != '\0' ||
         self->strings[KEY_HELPDESK_URL][0] != '\0' ||
         self->strings[KEY_REPORT_ENDPOINT][0] != '\0';
}

/**
 * rd_org_config_get_report_endpoint:
 *
 * Returns: the https:// address reports go to, or "" when there is none
 *   (then the wizard offers no Send button)
 */
const char *
rd_org_config_get_report_endpoint (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);
  return self->strings[KEY_REPORT_ENDPOINT];
}

/**
 * rd_org_config_get_redact_reports:
 *
 * Returns: whether every sent report must be redacted, whatever the user chose
 */
gboolean
rd_org_config_get_redact_reports (RdOrgConfig *self)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), FALSE);
  return self->redact_reports;
}

/**
 * rd_org_config_get_cause_note:
 *
 * Returns: (nullable): the organisation's note on @cause_id, in the user's
 *   language when one was given for it
 */
const char *
rd_org_config_get_cause_note (RdOrgConfig *self,
                              const char  *cause_id)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);
  g_return_val_if_fail (cause_id != NULL, NULL);
  return g_hash_table_lookup (self->cause_notes, cause_id);
}

/**
 * rd_org_config_dup_noted_causes:
 *
 * Returns: (transfer full): the cause ids that have a note, sorted
 */
GStrv
rd_org_config_dup_noted_causes (RdOrgConfig *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer id;

  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);

  g_hash_table_iter_init (&iter, self->cause_notes);
  while (g_hash_table_iter_next (&iter, &id, NULL))
    g_ptr_array_add (ids, g_strdup (id));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/**
 * rd_org_config_get_origin:
 * @key: a GSettings key name ("default-port", …, "cause-notes")
 *
 * For support: which layer gave the value.
 *
 * Returns: (nullable): "built-in", "GSettings" or the key file's path;
 *   %NULL for an unknown @key
 */
const char *
rd_org_config_get_origin (RdOrgConfig *self,
                          const char  *key)
{
  g_return_val_if_fail (RD_IS_ORG_CONFIG (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (strcmp (key, SETTINGS_CAUSE_NOTES) == 0)
    return self->cause_notes_origin;
  for (guint i = 0; i < N_KEYS; i++)
    if (strcmp (keys[i].settings_key, key) == 0)
      return self->origins[i];
  return NULL;
}
