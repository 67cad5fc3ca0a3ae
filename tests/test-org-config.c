/* test-org-config.c: the organisation's defaults, good and bad, in layers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>

#include "rd-core.h"

#define SCHEMA_FILE RD_ORG_CONFIG_SCHEMA_ID ".gschema.xml"

/* What the module logged, in order: each test looks at its own messages, and
 * a good file must log none. */
static GPtrArray *messages;

static void
capture_message_cb (const char     *log_domain,
                    GLogLevelFlags  log_level,
                    const char     *message,
                    gpointer        user_data)
{
  g_ptr_array_add (messages, g_strdup (message));
  g_test_message ("logged: %s", message);
}

static void
clear_messages (void)
{
  g_ptr_array_set_size (messages, 0);
}

/* Asserts that exactly one message was logged, and that it has all of @parts. */
static void
assert_one_message (const char *first_part,
                    ...)
{
  const char *message;
  const char *part;
  va_list args;

  g_assert_cmpuint (messages->len, ==, 1);
  message = g_ptr_array_index (messages, 0);
  va_start (args, first_part);
  for (part = first_part; part != NULL; part = va_arg (args, const char *))
    if (strstr (message, part) == NULL)
      g_error ("message “%s” does not contain “%s”", message, part);
  va_end (args);
  clear_messages ();
}

static char *
write_key_file (const char *contents)
{
  g_autofree char *dir = g_dir_make_tmp ("rd-org-config-XXXXXX", NULL);
  char *path = g_build_filename (dir, "organization.conf", NULL);

  g_assert_nonnull (dir);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static RdOrgConfig *
load_file (const char *contents,
           char      **path_out)
{
  g_autofree char *path = write_key_file (contents);
  RdOrgConfig *config = rd_org_config_load (NULL, path);

  if (path_out != NULL)
    *path_out = g_steal_pointer (&path);
  return config;
}

static void
test_built_in (void)
{
  g_autoptr(RdOrgConfig) config = rd_org_config_new ();
  g_auto(GStrv) noted = NULL;

  g_assert_cmpstr (rd_org_config_get_default_gateway (config), ==, "");
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3389);
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "");
  g_assert_cmpstr (rd_org_config_get_helpdesk_contact (config), ==, "");
  g_assert_cmpstr (rd_org_config_get_helpdesk_url (config), ==, "");
  g_assert_cmpstr (rd_org_config_get_report_endpoint (config), ==, "");
  g_assert_false (rd_org_config_get_redact_reports (config));
  g_assert_false (rd_org_config_has_helpdesk (config));
  g_assert_null (rd_org_config_get_cause_note (config, "port-filtered"));
  noted = rd_org_config_dup_noted_causes (config);
  g_assert_cmpuint (g_strv_length (noted), ==, 0);
  g_assert_cmpstr (rd_org_config_get_origin (config, "default-port"), ==, "built-in");
  g_assert_cmpstr (rd_org_config_get_origin (config, "cause-notes"), ==, "built-in");
  g_assert_null (rd_org_config_get_origin (config, "no-such-key"));
  g_assert_cmpuint (messages->len, ==, 0);
}

static void
test_good_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr(RdOrgConfig) config = load_file (
    "# Example Corp\n"
    "[Organization]\n"
    "DefaultGateway = rdgw.example.com\n"
    "DefaultPort=3390\n"
    "HelpdeskName=Example IT\n"
    "HelpdeskContact=+1 555 0100\n"
    "HelpdeskUrl=https://help.example.com/rdp\n"
    "ReportEndpoint=https://help.example.com/api/reports\n"
    "RedactReports=true\n"
    "\n"
    "[CauseNotes]\n"
    "port-filtered=Connect to the VPN first.\n"
    "dns-unresolved=Use NAME.corp.example.com\n", &path);
  g_auto(GStrv) noted = rd_org_config_dup_noted_causes (config);
  const char * const expected_noted[] = { "dns-unresolved", "port-filtered", NULL };

  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpstr (rd_org_config_get_default_gateway (config), ==, "rdgw.example.com");
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3390);
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "Example IT");
  g_assert_cmpstr (rd_org_config_get_helpdesk_contact (config), ==, "+1 555 0100");
  g_assert_cmpstr (rd_org_config_get_helpdesk_url (config), ==, "https://help.example.com/rdp");
  g_assert_cmpstr (rd_org_config_get_report_endpoint (config), ==, "https://help.example.com/api/reports");
  g_assert_true (rd_org_config_get_redact_reports (config));
  g_assert_true (rd_org_config_has_helpdesk (config));
  g_assert_cmpstr (rd_org_config_get_cause_note (config, "port-filtered"), ==, "Connect to the VPN first.");
  g_assert_cmpstr (rd_org_config_get_cause_note (config, "dns-unresolved"), ==, "Use NAME.corp.example.com");
  g_assert_null (rd_org_config_get_cause_note (config, "port-closed"));
  g_assert_cmpstrv (noted, expected_noted);
  g_assert_cmpstr (rd_org_config_get_origin (config, "default-port"), ==, path);
  g_assert_cmpstr (rd_org_config_get_origin (config, "cause-notes"), ==, path);
}

/* The example shipped for IT staff must itself be good. */
static void
test_example_file (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "flatpak", "config-extension",
                                                 "organization.conf", NULL);
  g_autoptr(RdOrgConfig) config = rd_org_config_load (NULL, path);

  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpstr (rd_org_config_get_origin (config, "report-endpoint"), ==, path);
  g_assert_true (g_str_has_prefix (rd_org_config_get_report_endpoint (config), "https://"));
  g_assert_nonnull (rd_org_config_get_cause_note (config, "port-filtered"));
}

static void
test_missing_file (void)
{
  g_autoptr(RdOrgConfig) config = rd_org_config_load (NULL, "/nonexistent/rdp-doctor/organization.conf");

  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3389);
  g_assert_cmpstr (rd_org_config_get_origin (config, "default-port"), ==, "built-in");
}

static void
test_unparsable_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr(RdOrgConfig) config = load_file ("[Organization]\n"
                                             "DefaultPort=3390\n"
                                             "# fine\n"
                                             "this line is no key\n"
                                             "HelpdeskName=Example IT\n", &path);

  /* The whole file is ignored: a half-read configuration would mislead. */
  assert_one_message (path, "line 4", "ignored", NULL);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3389);
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "");
}

static void
test_no_group_file (void)
{
  g_autofree char *path = NULL;
  g_autoptr(RdOrgConfig) config = load_file ("DefaultPort=3390\n", &path);

  assert_one_message (path, "line 1", NULL);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3389);
}

/* Files that are no key file at all: each is one message naming the file,
 * and every value stays built in. */
static void
assert_all_built_in (RdOrgConfig *config)
{
  static const char * const keys[] = {
    "default-gateway", "default-port", "helpdesk-name", "helpdesk-contact",
    "helpdesk-url", "report-endpoint", "redact-reports",
  };
  g_auto(GStrv) noted = rd_org_config_dup_noted_causes (config);

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_cmpstr (rd_org_config_get_origin (config, keys[i]), ==, "built-in");
  g_assert_cmpuint (g_strv_length (noted), ==, 0);
}

typedef struct
{
  const char *what;
  const char *data;     /* NULL: UTF-16 with a byte order mark, made below */
  gsize       length;
  const char *mention;  /* the message must also say this */
} JunkFile;

static void
test_junk_files (void)
{
  static const char with_nul[] = "[Organization]\nDefaultPort=3390\0\nHelpdeskName=x\n";
  const char *good = "[Organization]\nDefaultPort=3390\nHelpdeskName=Example IT\n"
                     "[CauseNotes]\nport-filtered=Use the VPN.\n";
  g_autoptr(GByteArray) junk = g_byte_array_new ();
  g_autoptr(GString) huge = g_string_new ("[Organization]\nHelpdeskName=");
  g_autofree char *utf16 = NULL;
  gsize utf16_length = 0;
  GRand *rand = g_rand_new_with_seed (20261121);
  JunkFile cases[5];
  guint n = 0;

  for (guint i = 0; i < 4096; i++)
    {
      guint8 byte = (guint8) g_rand_int_range (rand, 0, 256);
      g_byte_array_append (junk, &byte, 1);
    }
  g_rand_free (rand);
  while (huge->len < 10 * 1000 * 1000)
    g_string_append (huge, "Example IT ");
  g_string_append_c (huge, '\n');
  utf16 = g_convert (good, -1, "UTF-16LE", "UTF-8", NULL, &utf16_length, NULL);
  g_assert_nonnull (utf16);

  cases[n++] = (JunkFile) { "binary junk", (const char *) junk->data, junk->len, "not UTF-8" };
  cases[n++] = (JunkFile) { "10 MB", huge->str, huge->len, "too large" };
  cases[n++] = (JunkFile) { "UTF-16 without a byte order mark", utf16, utf16_length, "UTF-16" };
  cases[n++] = (JunkFile) { "a NUL byte", with_nul, sizeof with_nul - 1, "NUL" };
  cases[n++] = (JunkFile) { "UTF-16 with a byte order mark", NULL, 0, "UTF-16" };

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *dir = g_dir_make_tmp ("rd-org-config-XXXXXX", NULL);
      g_autofree char *path = g_build_filename (dir, "organization.conf", NULL);
      g_autofree char *with_bom = NULL;
      g_autoptr(RdOrgConfig) config = NULL;

      g_test_message ("%s", cases[i].what);
      if (cases[i].data == NULL)
        {
          with_bom = g_malloc (utf16_length + 2);
          memcpy (with_bom, "\xff\xfe", 2);
          memcpy (with_bom + 2, utf16, utf16_length);
          g_assert_true (g_file_set_contents (path, with_bom, utf16_length + 2, NULL));
        }
      else
        g_assert_true (g_file_set_contents (path, cases[i].data, cases[i].length, NULL));

      config = rd_org_config_load (NULL, path);
      assert_one_message (path, "ignored", cases[i].mention, NULL);
      assert_all_built_in (config);
      g_unlink (path);
      g_rmdir (dir);
    }

  /* not a file: a device that never ends, read no further */
  if (g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      g_autoptr(RdOrgConfig) config = rd_org_config_load (NULL, "/dev/zero");

      assert_one_message ("/dev/zero", "not a regular file", "ignored", NULL);
      assert_all_built_in (config);
    }
}

typedef struct
{
  const char *line;       /* in [Organization], after a good HelpdeskName */
  const char *key;        /* GSettings name */
  const char *mention;    /* the message must also name this */
} BadValue;

static const BadValue bad_values[] = {
  { "DefaultPort=0", "default-port", "“0” is not a port" },
  { "DefaultPort=65536", "default-port", "65536" },
  { "DefaultPort=rdp", "default-port", "“rdp”" },
  { "DefaultPort=-1", "default-port", "“-1”" },
  { "ReportEndpoint=http://help.example.com/api", "report-endpoint", "not an https:// address" },
  { "ReportEndpoint=help.example.com/api", "report-endpoint", "help.example.com/api" },
  { "ReportEndpoint=https:///api", "report-endpoint", "names no server" },
  { "HelpdeskUrl=ftp://help.example.com", "helpdesk-url", "not an http:// or https:// address" },
  { "DefaultGateway=rd gw.example.com", "default-gateway", "not a gateway name" },
  { "DefaultGateway=rdgw.example.com:0", "default-gateway", "not a gateway name" },
  { "RedactReports=maybe", "redact-reports", "“maybe” is neither true nor false" },
};

static void
test_bad_values (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_values); i++)
    {
      const BadValue *bad = &bad_values[i];
      g_autofree char *contents = g_strdup_printf ("[Organization]\nHelpdeskName=Example IT\n%s\n", bad->line);
      g_autofree char *path = NULL;
      g_autoptr(RdOrgConfig) config = NULL;
      g_autoptr(RdOrgConfig) built_in = rd_org_config_new ();
      g_auto(GStrv) key_value = g_strsplit (bad->line, "=", 2);
      GValue value = G_VALUE_INIT;
      GValue expected = G_VALUE_INIT;

      g_test_message ("%s", bad->line);
      config = load_file (contents, &path);
      assert_one_message (path, "line 3", key_value[0], bad->mention, "built-in value", NULL);

      /* The bad key has its built-in value; the good one beside it is taken. */
      g_assert_cmpstr (rd_org_config_get_origin (config, bad->key), ==, "built-in");
      g_value_init (&value, g_object_class_find_property (G_OBJECT_GET_CLASS (config), bad->key)->value_type);
      g_value_init (&expected, G_VALUE_TYPE (&value));
      g_object_get_property (G_OBJECT (config), bad->key, &value);
      g_object_get_property (G_OBJECT (built_in), bad->key, &expected);
      g_assert_cmpint (g_param_values_cmp (g_object_class_find_property (G_OBJECT_GET_CLASS (config), bad->key),
                                           &value, &expected), ==, 0);
      g_value_unset (&value);
      g_value_unset (&expected);
      g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "Example IT");
    }
}

static void
test_good_spellings (void)
{
  g_autoptr(RdOrgConfig) config = load_file ("[Organization]\n"
                                             "DefaultPort= 65535 \n"
                                             "RedactReports=Yes\n"
                                             "DefaultGateway=[2001:db8::1]:8443\n"
                                             "HelpdeskUrl=http://intranet/help\n", NULL);

  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 65535);
  g_assert_true (rd_org_config_get_redact_reports (config));
  g_assert_cmpstr (rd_org_config_get_default_gateway (config), ==, "[2001:db8::1]:8443");
  g_assert_cmpstr (rd_org_config_get_helpdesk_url (config), ==, "http://intranet/help");
}

static void
test_unknown_cause (void)
{
  g_autofree char *path = NULL;
  g_autoptr(RdOrgConfig) config = load_file ("[CauseNotes]\n"
                                             "port-filtered=Use the VPN.\n"
                                             "port-filterd=Typo.\n", &path);

  assert_one_message (path, "line 3", "unknown cause id “port-filterd”", "port-filtered", NULL);
  g_assert_cmpstr (rd_org_config_get_cause_note (config, "port-filtered"), ==, "Use the VPN.");
  g_assert_null (rd_org_config_get_cause_note (config, "port-filterd"));
}

static void
test_unknown_key_and_group (void)
{
  g_autofree char *path = NULL;
  g_autoptr(RdOrgConfig) config = NULL;

  config = load_file ("[Organization]\nHelpDeskName=Example IT\nDefaultPort=3390\n", &path);
  assert_one_message (path, "line 2", "HelpDeskName", "unknown key", NULL);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3390);
  g_clear_object (&config);
  g_clear_pointer (&path, g_free);

  config = load_file ("[Organisation]\nDefaultPort=3390\n", &path);
  assert_one_message (path, "line 1", "unknown group [Organisation]", NULL);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3389);
  g_clear_object (&config);
  g_clear_pointer (&path, g_free);

  config = load_file ("[Organization]\nDefaultPort[de]=3390\n", &path);
  assert_one_message (path, "line 2", "DefaultPort[de]", NULL);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3389);
}

static void
test_locale_notes (void)
{
  const char *contents = "[Organization]\n"
                         "HelpdeskName=IT Service Desk\n"
                         "HelpdeskName[de]=IT-Servicedesk\n"
                         "HelpdeskContact[fr]=Appelez le 555 0100\n"
                         "[CauseNotes]\n"
                         "port-filtered=Connect to the VPN first.\n"
                         "port-filtered[de]=Zuerst mit dem VPN verbinden.\n"
                         "port-filtered[de_CH]=Zuerst mit dem VPN verbinden (Schweiz).\n"
                         "dns-unresolved[fr]=Utilisez NOM.corp.example.com\n";
  struct
  {
    const char *language;
    const char *name;
    const char *port_filtered;
    const char *dns_unresolved;
  } cases[] = {
    { "", "IT Service Desk", "Connect to the VPN first.", NULL },
    { "de", "IT-Servicedesk", "Zuerst mit dem VPN verbinden.", NULL },
    { "de_AT", "IT-Servicedesk", "Zuerst mit dem VPN verbinden.", NULL },
    { "de_CH", "IT-Servicedesk", "Zuerst mit dem VPN verbinden (Schweiz).", NULL },
    { "fr", "IT Service Desk", "Connect to the VPN first.", "Utilisez NOM.corp.example.com" },
    { "it:de", "IT-Servicedesk", "Zuerst mit dem VPN verbinden.", NULL },
  };
  g_autofree char *path = write_key_file (contents);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RdOrgConfig) config = NULL;

      g_test_message ("LANGUAGE=%s", cases[i].language);
      g_setenv ("LANGUAGE", cases[i].language, TRUE);
      config = rd_org_config_load (NULL, path);
      g_assert_cmpuint (messages->len, ==, 0);
      g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, cases[i].name);
      g_assert_cmpstr (rd_org_config_get_cause_note (config, "port-filtered"), ==, cases[i].port_filtered);
      g_assert_cmpstr (rd_org_config_get_cause_note (config, "dns-unresolved"), ==, cases[i].dns_unresolved);
      /* Only in French: nothing for the others, and no complaint. */
      g_assert_cmpstr (rd_org_config_get_helpdesk_contact (config), ==,
                       g_str_equal (cases[i].language, "fr") ? "Appelez le 555 0100" : "");
    }
  g_setenv ("LANGUAGE", "", TRUE);
}

/* GSettings ------------------------------------------------------------------ */

/* The schema as installed, with @override beside it as IT staff would ship it,
 * compiled by the real glib-compile-schemas. NULL (and the test skipped) when
 * that tool is missing. */
static GSettings *
settings_with_override (const char *override)
{
  g_autofree char *source_schema = g_test_build_filename (G_TEST_DIST, "..", "data", SCHEMA_FILE, NULL);
  g_autofree char *dir = g_dir_make_tmp ("rd-schemas-XXXXXX", NULL);
  g_autofree char *schema_copy = g_build_filename (dir, SCHEMA_FILE, NULL);
  g_autofree char *override_path = g_build_filename (dir, "50_example-corp.gschema.override", NULL);
  g_autofree char *compiler = g_find_program_in_path ("glib-compile-schemas");
  g_autofree char *schema_xml = NULL;
  g_autofree char *errors = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = NULL;
  const char *argv[] = { compiler, "--strict", dir, NULL };
  int status = 0;

  if (compiler == NULL)
    {
      g_test_skip ("glib-compile-schemas is not installed");
      return NULL;
    }
  g_assert_true (g_file_get_contents (source_schema, &schema_xml, NULL, NULL));
  g_assert_true (g_file_set_contents (schema_copy, schema_xml, -1, NULL));
  g_assert_true (g_file_set_contents (override_path, override, -1, NULL));
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               NULL, &errors, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("glib-compile-schemas refused the override: %s\n%s", error->message, errors);

  source = g_settings_schema_source_new_from_directory (dir, NULL, TRUE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, RD_ORG_CONFIG_SCHEMA_ID, FALSE);
  g_assert_nonnull (schema);
  backend = g_memory_settings_backend_new ();
  return g_settings_new_full (schema, backend, NULL);
}

static void
test_vendor_override (void)
{
  g_autoptr(GSettings) settings = settings_with_override (
    "[io.github.rdpdoctor.RdpDoctor]\n"
    "default-port=4000\n"
    "helpdesk-name='Example IT'\n"
    "report-endpoint='https://help.example.com/api/reports'\n"
    "redact-reports=true\n"
    "cause-notes={'port-filtered': 'Use the VPN.', 'port-filtered[de]': 'VPN nutzen.'}\n");
  g_autoptr(RdOrgConfig) config = NULL;

  if (settings == NULL)
    return;
  config = rd_org_config_load (settings, NULL);
  g_assert_cmpuint (messages->len, ==, 0);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 4000);
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "Example IT");
  g_assert_cmpstr (rd_org_config_get_report_endpoint (config), ==, "https://help.example.com/api/reports");
  g_assert_true (rd_org_config_get_redact_reports (config));
  g_assert_cmpstr (rd_org_config_get_cause_note (config, "port-filtered"), ==, "Use the VPN.");
  g_assert_cmpstr (rd_org_config_get_origin (config, "default-port"), ==, "GSettings");
  g_assert_cmpstr (rd_org_config_get_origin (config, "cause-notes"), ==, "GSettings");
  /* Keys the override leaves alone stay built-in. */
  g_assert_cmpstr (rd_org_config_get_origin (config, "helpdesk-url"), ==, "built-in");
  g_clear_object (&config);

  g_setenv ("LANGUAGE", "de", TRUE);
  config = rd_org_config_load (settings, NULL);
  g_assert_cmpstr (rd_org_config_get_cause_note (config, "port-filtered"), ==, "VPN nutzen.");
  g_setenv ("LANGUAGE", "", TRUE);
}

/* glib-compile-schemas refuses a port out of the schema's range, so a vendor
 * override cannot set 0; the user's own value can be anything of type q. */
static void
test_bad_settings (void)
{
  g_autoptr(GSettings) settings = settings_with_override ("[io.github.rdpdoctor.RdpDoctor]\n"
                                                          "helpdesk-name='Example IT'\n");
  g_autoptr(RdOrgConfig) config = NULL;
  GVariantBuilder builder;

  if (settings == NULL)
    return;

  g_assert_true (g_settings_set_string (settings, "report-endpoint", "http://help.example.com/api"));
  config = rd_org_config_load (settings, NULL);
  assert_one_message ("GSettings key", "report-endpoint", "not an https:// address", "built-in value", NULL);
  g_assert_cmpstr (rd_org_config_get_report_endpoint (config), ==, "");
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "Example IT");
  g_clear_object (&config);
  g_settings_reset (settings, "report-endpoint");

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&builder, "{ss}", "port-filtered", "Use the VPN.");
  g_variant_builder_add (&builder, "{ss}", "no-such-cause", "Never shown.");
  g_assert_true (g_settings_set_value (settings, "cause-notes", g_variant_builder_end (&builder)));
  config = rd_org_config_load (settings, NULL);
  assert_one_message ("GSettings key", "cause-notes", "unknown cause id “no-such-cause”", NULL);
  g_assert_cmpstr (rd_org_config_get_cause_note (config, "port-filtered"), ==, "Use the VPN.");
  g_assert_null (rd_org_config_get_cause_note (config, "no-such-cause"));
}

/* built-in ← GSettings ← key file, key by key. */
static void
test_precedence (void)
{
  g_autoptr(GSettings) settings = settings_with_override (
    "[io.github.rdpdoctor.RdpDoctor]\n"
    "default-port=4000\n"
    "default-gateway='gw-from-settings.example.com'\n"
    "helpdesk-name='Name from GSettings'\n"
    "helpdesk-contact='Contact from GSettings'\n"
    "report-endpoint='https://settings.example.com/reports'\n"
    "cause-notes={'port-filtered': 'From GSettings.', 'port-closed': 'Also from GSettings.'}\n");
  g_autofree char *path = NULL;
  g_autoptr(RdOrgConfig) config = NULL;

  if (settings == NULL)
    return;

  path = write_key_file ("[Organization]\n"
                         "HelpdeskName=Name from the file\n"
                         "ReportEndpoint=\n"               /* empty: takes GSettings' away */
                         "DefaultPort=0\n"                 /* bad: the built-in value, not GSettings' */
                         "[CauseNotes]\n"
                         "port-filtered=From the file.\n"
                         "port-closed=\n");
  config = rd_org_config_load (settings, path);
  assert_one_message (path, "DefaultPort", "3389", NULL);

  g_assert_cmpstr (rd_org_config_get_default_gateway (config), ==, "gw-from-settings.example.com");
  g_assert_cmpstr (rd_org_config_get_origin (config, "default-gateway"), ==, "GSettings");
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "Name from the file");
  g_assert_cmpstr (rd_org_config_get_origin (config, "helpdesk-name"), ==, path);
  g_assert_cmpstr (rd_org_config_get_helpdesk_contact (config), ==, "Contact from GSettings");
  g_assert_cmpstr (rd_org_config_get_report_endpoint (config), ==, "");
  g_assert_cmpstr (rd_org_config_get_origin (config, "report-endpoint"), ==, path);
  g_assert_cmpuint (rd_org_config_get_default_port (config), ==, 3389);
  g_assert_cmpstr (rd_org_config_get_origin (config, "default-port"), ==, "built-in");
  g_assert_cmpstr (rd_org_config_get_origin (config, "helpdesk-url"), ==, "built-in");
  g_assert_cmpstr (rd_org_config_get_cause_note (config, "port-filtered"), ==, "From the file.");
  g_assert_null (rd_org_config_get_cause_note (config, "port-closed"));
}

/* The schema compiled into the build directory (tests/meson.build points
 * GSETTINGS_SCHEMA_DIR there) and the memory backend of the test environment. */
static void
test_installed_schema (void)
{
  g_autoptr(GSettings) settings = rd_org_config_lookup_settings ();
  g_autoptr(RdOrgConfig) config = NULL;

  if (settings == NULL)
    {
      g_test_skip ("the schema is not compiled into GSETTINGS_SCHEMA_DIR");
      return;
    }

  config = rd_org_config_load (settings, NULL);
  g_assert_cmpstr (rd_org_config_get_origin (config, "helpdesk-name"), ==, "built-in");
  g_clear_object (&config);

  g_assert_true (g_settings_set_string (settings, "helpdesk-name", "Set by the user"));
  config = rd_org_config_load (settings, NULL);
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "Set by the user");
  g_assert_cmpstr (rd_org_config_get_origin (config, "helpdesk-name"), ==, "GSettings");
  g_settings_reset (settings, "helpdesk-name");
  g_assert_cmpuint (messages->len, ==, 0);
}

static void
test_default_path (void)
{
  g_autofree char *path = write_key_file ("[Organization]\nHelpdeskName=From RD_ORG_CONFIG\n");
  g_autofree char *default_path = NULL;
  g_autofree char *expected = g_build_filename (SYSCONFDIR, "rdp-doctor", "organization.conf", NULL);
  g_autoptr(RdOrgConfig) config = NULL;

  g_unsetenv (RD_ORG_CONFIG_ENV);
  default_path = rd_org_config_dup_default_path ();
  g_assert_cmpstr (default_path, ==, expected);
  g_clear_pointer (&default_path, g_free);

  g_setenv (RD_ORG_CONFIG_ENV, path, TRUE);
  default_path = rd_org_config_dup_default_path ();
  g_assert_cmpstr (default_path, ==, path);

  config = rd_org_config_load_default ();
  g_assert_cmpstr (rd_org_config_get_helpdesk_name (config), ==, "From RD_ORG_CONFIG");
  g_unsetenv (RD_ORG_CONFIG_ENV);
  g_assert_cmpuint (messages->len, ==, 0);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_notify (void)
{
  g_autofree char *path = write_key_file ("[Organization]\nDefaultPort=3390\nHelpdeskName=Example IT\n");
  g_autoptr(RdOrgConfig) config = rd_org_config_new ();
  guint port_notifications = 0;

  g_signal_connect (config, "notify::default-port", G_CALLBACK (count_notify_cb), &port_notifications);
  rd_org_config_apply_key_file (config, path);
  g_assert_cmpuint (port_notifications, ==, 1);
  rd_org_config_apply_key_file (config, path);
  g_assert_cmpuint (port_notifications, ==, 1);
}

static void
reset_messages (void)
{
  clear_messages ();
}

static void
add_test (const char *path,
          GTestFunc   func)
{
  g_autofree char *full = g_strconcat ("/Rd/Engine/OrgConfig/", path, NULL);

  g_test_add_vtable (full, 0, NULL, (GTestFixtureFunc) reset_messages, (GTestFixtureFunc) func, NULL);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  messages = g_ptr_array_new_with_free_func (g_free);
  g_log_set_handler ("rd-org-config", G_LOG_LEVEL_MESSAGE, capture_message_cb, NULL);

  add_test ("built-in", test_built_in);
  add_test ("key-file/good", test_good_file);
  add_test ("key-file/example", test_example_file);
  add_test ("key-file/missing", test_missing_file);
  add_test ("key-file/unparsable", test_unparsable_file);
  add_test ("key-file/no-group", test_no_group_file);
  add_test ("key-file/junk", test_junk_files);
  add_test ("key-file/bad-values", test_bad_values);
  add_test ("key-file/good-spellings", test_good_spellings);
  add_test ("key-file/unknown-cause", test_unknown_cause);
  add_test ("key-file/unknown-key-and-group", test_unknown_key_and_group);
  add_test ("key-file/locale", test_locale_notes);
  add_test ("settings/vendor-override", test_vendor_override);
  add_test ("settings/bad-values", test_bad_settings);
  add_test ("settings/installed-schema", test_installed_schema);
  add_test ("precedence", test_precedence);
  add_test ("default-path", test_default_path);
  add_test ("notify", test_notify);

  return g_test_run ();
}
