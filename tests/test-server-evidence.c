/* test-server-evidence.c: the read-only evidence script, reading its output
 * back (every encoding and breakage seen in practice), and the diagnosis
 * rules it drives
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "rd-core.h"
#include "rd-server-evidence.h"
#include "rd-test-util.h"

static char *
data_path (const char *name)
{
  return g_build_filename (RD_TEST_DATA_DIR, name, NULL);
}

static GBytes *
load_bytes (const char *name)
{
  g_autofree char *path = data_path (name);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static RdCheckResult *
import_file (const char *name)
{
  g_autoptr(GBytes) bytes = load_bytes (name);
  g_autoptr(GError) error = NULL;
  RdCheckResult *result = rd_server_evidence_import_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static char *
evidence_text (RdCheckResult *result)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, rd_check_result_get_evidence (result));
  return rd_json_to_string (node, FALSE);
}

/* ---- reading the document ---- */

static void
test_import_healthy (void)
{
  g_autoptr(RdCheckResult) result = import_file ("server-evidence-healthy.json");
  JsonObject *evidence = rd_check_result_get_evidence (result);
  JsonObject *services = json_object_get_object_member (evidence, "services");
  JsonArray *sessions = json_object_get_array_member (evidence, "sessions");
  JsonObject *session = json_array_get_object_element (sessions, 1);

  g_assert_cmpstr (rd_check_result_get_check_id (result), ==, "server");
  g_assert_cmpint (rd_check_result_get_status (result), ==, RD_CHECK_STATUS_PASS);
  g_assert_cmpstr (rd_check_result_get_summary (result), ==, "Evidence from SERVER01 collected 2026-11-21 10:00 UTC");
  g_assert_cmpstr (json_object_get_string_member (evidence, "schema"), ==, RD_SERVER_EVIDENCE_SCHEMA);

  /* enum names in one spelling */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (services, "TermService"), "status"), ==, "running");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (services, "TermService"), "start_type"), ==, "manual");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (evidence, "network_profiles"), 0), "category"),
                   ==, "domainauthenticated");
  /* qwinsta's state, normalised, with what it printed */
  g_assert_cmpstr (json_object_get_string_member (session, "state"), ==, "active");
  g_assert_cmpstr (json_object_get_string_member (session, "state_text"), ==, "Active");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sessions, 0), "state"), ==, "disconnected");
  /* null is kept as "not known", never dropped */
  g_assert_true (json_object_has_member (json_object_get_object_member (evidence, "terminal_server"), "MaxOutstandingConnections"));
  g_assert_true (json_object_get_null_member (json_object_get_object_member (evidence, "terminal_server"), "MaxOutstandingConnections"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (evidence, "rdp_tcp"), "MaxInstanceCount"), ==, 4294967295);
}

static void
test_import_quirks (void)
{
  g_autoptr(RdCheckResult) result = import_file ("server-evidence-quirks.json");
  JsonObject *evidence = rd_check_result_get_evidence (result);
  JsonObject *certificate = json_object_get_object_member (evidence, "certificate");

  /* REG_DWORD 0xFFFFFFFF as PowerShell reads it */
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (evidence, "rdp_tcp"), "MaxInstanceCount"), ==, 4294967295);
  /* ConvertTo-Json's DateTime form, in the normal form */
  g_assert_cmpstr (json_object_get_string_member (certificate, "not_after"), ==, "2027-05-01T08:00:00Z");
  /* a newer script's field is left out; a missing one is null */
  g_assert_false (json_object_has_member (evidence, "future_field"));
  g_assert_true (json_object_get_null_member (evidence, "culture"));
  g_assert_true (json_object_get_null_member (evidence, "licensing"));
  g_assert_cmpstr (rd_check_result_get_summary (result), ==,
                   "Evidence from SERVER01 collected 2026-11-21 10:00 UTC (1 part could not be read)");
}

/* What Windows PowerShell's ">" writes: UTF-16LE with a byte order mark and
 * CRLF; also without the mark, big-endian, and UTF-8 with a mark. */
static void
test_import_encodings (void)
{
  g_autoptr(RdCheckResult) reference = import_file ("server-evidence-healthy.json");
  g_autoptr(RdCheckResult) utf16 = import_file ("server-evidence-healthy-utf16le.json");
  g_autofree char *expected = evidence_text (reference);
  g_autoptr(GBytes) utf8 = load_bytes ("server-evidence-healthy.json");
  gsize length;
  const char *text = g_bytes_get_data (utf8, &length);
  const char *charsets[] = { "UTF-16LE", "UTF-16BE" };

  {
    g_autofree char *got = evidence_text (utf16);
    g_assert_cmpstr (got, ==, expected);
  }

  for (guint i = 0; i < G_N_ELEMENTS (charsets); i++)
    {
      gsize converted_length;
      g_autofree char *converted = g_convert (text, length, charsets[i], "UTF-8", NULL, &converted_length, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(RdCheckResult) result = rd_server_evidence_import (converted, converted_length, &error);
      g_autofree char *got = NULL;

      g_assert_no_error (error);
      got = evidence_text (result);
      g_assert_cmpstr (got, ==, expected);
    }

  {
    g_autofree char *with_bom = g_strconcat ("\xEF\xBB\xBF", text, NULL);
    g_autoptr(GError) error = NULL;
    g_autoptr(RdCheckResult) result = rd_server_evidence_import (with_bom, -1, &error);

    g_assert_no_error (error);
  }
}

static void
assert_refused (const char            *data,
                gssize                 length,
                RdServerEvidenceError  code,
                const char            *mentions)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdCheckResult) result = rd_server_evidence_import (data, length, &error);

  g_assert_null (result);
  g_assert_error (error, RD_SERVER_EVIDENCE_ERROR, (gint) code);
  g_test_message ("%s", error->message);
  if (mentions != NULL && strstr (error->message, mentions) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, mentions);
}

static void
assert_file_refused (const char            *name,
                     RdServerEvidenceError  code,
                     const char            *mentions)
{
  g_autoptr(GBytes) bytes = load_bytes (name);
  gsize length;
  const char *data = g_bytes_get_data (bytes, &length);

  assert_refused (data, length, code, mentions);
}

/* The healthy document with one member replaced by @replacement */
static char *
healthy_with (const char *member,
              const char *replacement)
{
  g_autoptr(GBytes) bytes = load_bytes ("server-evidence-healthy.json");
  g_autoptr(GString) text = g_string_new_len (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  g_assert_cmpuint (g_string_replace (text, member, replacement, 1), ==, 1);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_import_refusals (void)
{
  const struct {
    const char *member, *replacement, *mentions;
  } fields[] = {
    { "\"SecurityLayer\":2", "\"SecurityLayer\":\"2\"", "rdp_tcp.SecurityLayer" },
    { "\"SecurityLayer\":2", "\"SecurityLayer\":2.5", "rdp_tcp.SecurityLayer" },
    { "\"SecurityLayer\":2", "\"SecurityLayer\":5000000000", "rdp_tcp.SecurityLayer" },
    { "\"enabled\":true,\"profiles\"", "\"enabled\":\"yes\",\"profiles\"", "firewall_rules[0].enabled" },
    { "\"sessions\":[", "\"sessions\":\"none\",\"x\":[", "sessions" },
    { "\"computer_name\":\"SERVER01\",", "", "computer_name" },
    { "\"computer_name\":\"SERVER01\"", "\"computer_name\":\"\\u001b[31mSERVER01\"", "computer_name" },
    { "\"collected_at\":\"2026-11-21T10:00:00Z\"", "\"collected_at\":\"yesterday\"", "collected_at" },
    { "\"count\":0,\"newest\":null", "\"newest\":null", "events.schannel_36870.count" },
  };
  g_autofree char *huge = NULL;

  assert_refused ("", 0, RD_SERVER_EVIDENCE_ERROR_EMPTY, NULL);
  assert_refused (" \r\n\t ", -1, RD_SERVER_EVIDENCE_ERROR_EMPTY, NULL);
  assert_refused ("Get-Help about_Redirection", -1, RD_SERVER_EVIDENCE_ERROR_NOT_JSON, NULL);
  assert_refused ("[1, 2]", -1, RD_SERVER_EVIDENCE_ERROR_NOT_JSON, NULL);
  assert_refused ("{\"schema\": ", -1, RD_SERVER_EVIDENCE_ERROR_NOT_JSON, NULL);
  assert_refused ("{\"a\": 1}", -1, RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA, "schema");
  assert_refused ("{\"schema\": \"rdp-doctor-report/1\"}", -1, RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA, "rdp-doctor-report/1");
  assert_refused ("WARNING: not an administrator\r\n{\"schema\": 1}", -1, RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT, "line 2");
  assert_refused ("{\"schema\": \"x\"} {\"schema\": \"y\"}", -1, RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT, NULL);
  /* a brace inside a string does not end the document */
  assert_refused ("{\"schema\": \"}\\\"}\"} x", -1, RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT, NULL);
  assert_refused ("{\"schema\": \"caf\xC3\x28\"}", -1, RD_SERVER_EVIDENCE_ERROR_NOT_TEXT, NULL);
  assert_refused ("\xFF\xFE{\0\"", 5, RD_SERVER_EVIDENCE_ERROR_NOT_TEXT, "cut off");
  assert_refused ("\xFF\xFE\x00\xD8{\0", 6, RD_SERVER_EVIDENCE_ERROR_NOT_TEXT, "UTF-16");

  assert_file_refused ("server-evidence-broken-type.json", RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD, "rdp_tcp.SecurityLayer");
  assert_file_refused ("server-evidence-broken-schema.json", RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA, "rdp-doctor-server-evidence/2");
  assert_file_refused ("server-evidence-broken-trailing.json", RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT, "line 2");
  assert_file_refused ("server-evidence-broken-truncated.json", RD_SERVER_EVIDENCE_ERROR_NOT_JSON, "cut off");
  assert_file_refused ("server-evidence-broken-binary.json", RD_SERVER_EVIDENCE_ERROR_NOT_TEXT, "binary");

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *text = healthy_with (fields[i].member, fields[i].replacement);

      g_test_message ("field case %u", i);
      assert_refused (text, -1, RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD, fields[i].mentions);
    }

  /* over the limit, whatever it holds */
  huge = g_malloc (RD_SERVER_EVIDENCE_MAX_SIZE + 2);
  memset (huge, ' ', RD_SERVER_EVIDENCE_MAX_SIZE + 1);
  huge[0] = '{';
  huge[RD_SERVER_EVIDENCE_MAX_SIZE + 1] = '\0';
  assert_refused (huge, -1, RD_SERVER_EVIDENCE_ERROR_TOO_LARGE, NULL);
}

/* Text from the other computer is shown as it is, minus what could hide or
 * reorder it */
static void
test_import_cleans_strings (void)
{
  g_autofree char *text = healthy_with ("\"CN=SERVER01.corp.example\"", "\"CN=evil\\u202Egro.elpmaxe\\u0007\"");
  g_autoptr(GError) error = NULL;
  g_autoptr(RdCheckResult) result = rd_server_evidence_import (text, -1, &error);
  const char *subject;

  g_assert_no_error (error);
  subject = json_object_get_string_member (json_object_get_object_member (rd_check_result_get_evidence (result), "certificate"), "subject");
  g_assert_cmpstr (subject, ==, "CN=evil\xEF\xBF\xBDgro.elpmaxe\xEF\xBF\xBD");
}

/* ---- the script ---- */

static char *
script_text (void)
{
  g_autoptr(GBytes) script = rd_server_evidence_get_script ();
  return g_strndup (g_bytes_get_data (script, NULL), g_bytes_get_size (script));
}

/* What would make the script change something on the server. The whole text
 * is scanned, comments included, so that no such word sneaks in there either. */
static const char * const write_patterns[] = {
  /* PowerShell verbs that change state */
  "(?<![A-Za-z])(Set|New|Remove|Restart|Stop|Start|Enable|Disable|Clear|Reset|Rename|Move|Copy|Add|"
  "Install|Uninstall|Register|Unregister|Update|Suspend|Resume|Grant|Revoke|Invoke|Export|Out|"
  "Mount|Dismount|Lock|Unlock|Protect|Unprotect|Initialize|Repair|Send|Push|Pop|Limit|Block|Unblock)-[A-Za-z]",
  "Write-EventLog",
  /* WMI/CIM methods and .NET writers */
  "\\.(Put|Delete|Set[A-Z]\\w*|Change[A-Z]\\w*|Create|WriteAll\\w*|Save)\\s*\\(",
  "\\[(System\\.)?IO\\.(File|Directory)\\]",
  /* programs that change things */
  "(?<![A-Za-z])reg(\\.exe)?\\s+(add|delete|import|restore|load|unload|copy|save)",
  "(?<![A-Za-z])(icacls|takeown|cacls|netsh|logoff|rwinsta|tsdiscon|shutdown|bcdedit|wmic|sc\\.exe|wevtutil|certutil|reset\\s+session)(?![A-Za-z])",
  NULL
};

static gboolean
script_changes_things (const char  *script,
                       char       **found)
{
  for (guint i = 0; write_patterns[i] != NULL; i++)
    {
      g_autoptr(GRegex) regex = g_regex_new (write_patterns[i], G_REGEX_CASELESS, 0, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      g_assert_nonnull (regex);
      if (g_regex_match (regex, script, 0, &match))
        {
          *found = g_match_info_fetch (match, 0);
          return TRUE;
        }
    }

  /* redirection writes files: no ">" outside comment lines */
  {
    g_auto(GStrv) lines = g_strsplit (script, "\n", -1);

    for (guint i = 0; lines[i] != NULL; i++)
      if (*g_strchug (lines[i]) != '#' && strchr (lines[i], '>') != NULL)
        {
          *found = g_strdup (lines[i]);
          return TRUE;
        }
  }
  return FALSE;
}

static void
test_script_is_read_only (void)
{
  g_autofree char *script = script_text ();
  g_autofree char *found = NULL;
  const char *bad[] = {
    "Set-ItemProperty -Path x -Name y -Value 1",
    "Restart-Service TermService",
    "$x | Out-File evidence.json",
    "reg add HKLM\\x /v y",
    "icacls C:\\x /grant 'NT AUTHORITY\\NETWORK SERVICE:(R)'",
    "$ts.SetSecurityLayer(1)",
    "Invoke-CimMethod -MethodName SetUserAuthenticationRequired",
    "Get-Content x > y",
    "[System.IO.File]::WriteAllText('x', 'y')",
    "new-object foo",
  };

  /* the scanner itself finds what it is meant to find */
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *hit = NULL;

      g_assert_true (script_changes_things (bad[i], &hit));
    }

  if (script_changes_things (script, &found))
    g_error ("the evidence script would change something: “%s”", found);
}

static void
test_script_shape (void)
{
  g_autofree char *script = script_text ();
  /* what the brief asks it to collect, by the names Windows uses */
  const char *must[] = {
    RD_SERVER_EVIDENCE_SCHEMA, "ConvertTo-Json -Depth 6 -Compress", "$ErrorActionPreference = 'Stop'",
    "TermService", "UmRdpService", "fDenyTSConnections", "SOFTWARE\\Policies\\Microsoft\\Windows NT\\Terminal Services",
    "SecurityLayer", "UserAuthentication", "PortNumber", "MinEncryptionLevel", "MaxInstanceCount",
    "SSLCertificateSHA1Hash", "MaxOutstandingConnections", "Get-NetFirewallRule", "Get-NetConnectionProfile",
    "Crypto\\RSA\\MachineKeys", "Get-Acl", "S-1-5-20", "36870", "1511, 1515, 1502, 1508",
    "TerminalServices-LocalSessionManager", "qwinsta", "Win32_TerminalServiceSetting", "AllowEncryptionOracle",
    "$script:Doc['errors']", "yyyy-MM-dd'T'HH:mm:ss'Z'",
  };
  /* every section the importer reads is written */
  const char *sections[] = {
    "schema", "script_version", "computer_name", "collected_at", "culture", "is_admin", "os", "services",
    "terminal_server", "policy", "rdp_tcp", "listening_port", "listening", "firewall_profiles", "firewall_rules",
    "network_profiles", "certificate", "events", "sessions", "licensing", "credssp", "errors",
  };
  /* PowerShell 7 only: Windows PowerShell 5.1 would not even parse the file */
  const char *newer[] = { "??", "?.", "&&", "||", "-Parallel", "ForEach-Object -Parallel", "clean {" };

  for (guint i = 0; i < G_N_ELEMENTS (must); i++)
    if (strstr (script, must[i]) == NULL)
      g_error ("the evidence script lacks “%s”", must[i]);
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_autofree char *assignment = g_strdup_printf ("$script:Doc['%s'] =", sections[i]);

      if (strstr (script, assignment) == NULL)
        g_error ("the evidence script never writes “%s”", sections[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (newer); i++)
    if (strstr (script, newer[i]) != NULL)
      g_error ("the evidence script uses “%s”, which Windows PowerShell 5.1 lacks", newer[i]);

  /* ASCII, so that no code page can change it, and with balanced braces */
  {
    int depth = 0;

    for (const char *p = script; *p; p++)
      {
        g_assert_cmpint ((guchar) *p, <, 0x80);
        g_assert_true (*p != '\t');
        depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
        g_assert_cmpint (depth, >=, 0);
      }
    g_assert_cmpint (depth, ==, 0);
  }
}

/* ---- the diagnosis rules ---- */

#define DNS_OK "{\"id\":\"dns\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{\"addresses\":[{\"address\":\"192.0.2.10\",\"family\":\"ipv4\",\"reverse\":null}]}}"
#define TCP(status, state) \
  "{\"id\":\"tcp\",\"status\":\"" status "\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"" state "\"}}"
#define TCP_OPEN "{\"id\":\"tcp\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"open\",\"unsteady\":false,\"handshakes\":{\"attempts\":5,\"failed\":0}}}"
#define CREDSSP_WITH(status, name, version, predates) \
  "{\"id\":\"credssp\",\"status\":\"" status "\",\"summary\":\"s\",\"evidence\":{\"credssp_version\":" version "," \
  "\"predates_oracle_fix\":" predates ",\"ntlm\":{\"nb_computer\":\"" name "\",\"dns_computer\":null}}}"
#define CREDSSP(status, name) CREDSSP_WITH (status, name, "6", "false")
#define CREDSSP_OLD(status, name) CREDSSP_WITH (status, name, "3", "true")

typedef struct
{
  const char *evidence;     /* file */
  const char *tcp;
  const char *credssp;      /* nullable */
  guint32     client;       /* RD_PROTOCOL_*, or G_MAXUINT32 for "not told" */
  const char *code;         /* nullable: the error the user saw */
} Case;

static RdDiagnosis *
diagnose (const Case *c)
{
  g_autoptr(RdTarget) target = rd_target_parse ("server01.corp.example:3389", 3389, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(RdErrorCode) code = NULL;
  RdUserReport report = { c->client != G_MAXUINT32, c->client != G_MAXUINT32 ? c->client : 0, NULL };

  g_ptr_array_add (results, rd_test_result_from_json (DNS_OK));
  g_ptr_array_add (results, rd_test_result_from_json (c->tcp));
  if (c->credssp != NULL)
    g_ptr_array_add (results, rd_test_result_from_json (c->credssp));
  if (c->evidence != NULL)
    g_ptr_array_add (results, import_file (c->evidence));
  if (c->code != NULL)
    {
      code = rd_error_code_parse (c->code, NULL);
      g_assert_nonnull (code);
      report.error_code = code;
    }
  return rd_diagnosis_new_with_report (target, results, rd_catalog_get_default (), &report);
}

static RdCause *
find_cause (RdDiagnosis *diagnosis,
            const char  *id)
{
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);

  for (guint i = 0; i < causes->len; i++)
    if (g_str_equal (rd_cause_get_id (g_ptr_array_index (causes, i)), id))
      return g_ptr_array_index (causes, i);
  return NULL;
}

static gboolean
has_server_reason (RdCause *cause)
{
  GPtrArray *reasons = rd_cause_get_reasons (cause);

  for (guint i = 0; i < reasons->len; i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (g_ptr_array_index (reasons, i), "check", NULL), "server") == 0)
      return TRUE;
  return FALSE;
}

static void
test_rules_confirm (void)
{
  const struct {
    Case        input;
    const char *top;
    double      confidence;
  } cases[] = {
    { { "server-evidence-rdp-disabled.json", TCP ("fail", "refused"), NULL, G_MAXUINT32, NULL }, "port-closed", 0.95 },
    /* Remote Desktop off also turns its firewall rules off: it looks filtered */
    { { "server-evidence-rdp-disabled.json", TCP ("fail", "timeout"), NULL, G_MAXUINT32, NULL }, "port-closed", 0.95 },
    { { "server-evidence-service-stopped.json", TCP ("fail", "refused"), NULL, G_MAXUINT32, NULL }, "port-closed", 0.95 },
    { { "server-evidence-wrong-port.json", TCP ("fail", "refused"), NULL, G_MAXUINT32, NULL }, "port-closed", 0.95 },
    { { "server-evidence-firewall-disabled.json", TCP ("fail", "timeout"), NULL, G_MAXUINT32, NULL }, "port-filtered", 0.9 },
    { { "server-evidence-public-profile.json", TCP ("fail", "timeout"), NULL, G_MAXUINT32, NULL }, "network-profile-public", 0.9 },
    { { "server-evidence-cert-key.json", TCP_OPEN, NULL, G_MAXUINT32, NULL }, "cert-key-inaccessible", 0.95 },
    { { "server-evidence-rdp-security-only.json", TCP_OPEN, NULL, G_MAXUINT32, NULL }, "rdp-security-only", 0.95 },
    /* NLA required by policy, and the user's client does TLS only */
    { { "server-evidence-nla-required.json", TCP_OPEN, NULL, 0x1, NULL }, "nla-required", 0.95 },
    { { "server-evidence-session-disconnected.json", TCP_OPEN, NULL, G_MAXUINT32, NULL }, "session-stuck", 0.6 },
    { { "server-evidence-licensing.json", TCP_OPEN, NULL, G_MAXUINT32, NULL }, "licensing-cap", 0.85 },
    { { "server-evidence-profile-errors.json", TCP_OPEN, NULL, G_MAXUINT32, NULL }, "profile-corrupt", 0.85 },
    { { "server-evidence-max-outstanding.json", TCP_OPEN, NULL, G_MAXUINT32, NULL }, "max-outstanding-connections", 0.7 },
    { { "server-evidence-credssp-oracle.json", TCP_OPEN, CREDSSP ("fail", "SERVER01"), G_MAXUINT32, NULL }, "credssp-oracle", 0.8 },
    { { "server-evidence-credssp-oracle.json", TCP_OPEN, CREDSSP_OLD ("warn", "SERVER01"), G_MAXUINT32, NULL }, "credssp-oracle", 0.9 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RdDiagnosis) diagnosis = diagnose (&cases[i].input);
      RdCause *top = rd_diagnosis_get_top_cause (diagnosis);

      g_test_message ("case %u: %s", i, cases[i].input.evidence);
      g_assert_nonnull (top);
      g_assert_cmpstr (rd_cause_get_id (top), ==, cases[i].top);
      g_assert_cmpfloat_with_epsilon (rd_cause_get_confidence (top), cases[i].confidence, 1e-9);
      g_assert_true (has_server_reason (top));
    }
}

static void
test_rules_healthy_server (void)
{
  /* the server is fine inside and listens: the refusal comes from the way */
  {
    Case c = { "server-evidence-healthy.json", TCP ("fail", "refused"), NULL, G_MAXUINT32, NULL };
    g_autoptr(RdDiagnosis) diagnosis = diagnose (&c);
    g_autoptr(JsonNode) report = rd_diagnosis_to_json (diagnosis);
    JsonArray *ruled_out = json_object_get_array_member (json_node_get_object (report), "ruled_out");

    g_assert_null (find_cause (diagnosis, "port-closed"));
    g_assert_cmpstr (rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)), ==, "port-filtered");
    g_assert_cmpuint (json_array_get_length (ruled_out), ==, 1);
    g_assert_true (g_str_has_prefix (json_array_get_string_element (ruled_out, 0), "port-closed: "));
  }

  /* dropped packets, while the server's firewall lets RDP in on its network:
   * a network firewall, not the Public profile */
  {
    Case c = { "server-evidence-healthy.json", TCP ("fail", "timeout"), NULL, G_MAXUINT32, NULL };
    g_autoptr(RdDiagnosis) diagnosis = diagnose (&c);

    g_assert_null (find_cause (diagnosis, "network-profile-public"));
    g_assert_cmpstr (rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)), ==, "port-filtered");
    g_assert_true (has_server_reason (rd_diagnosis_get_top_cause (diagnosis)));
  }

  /* 0x904/0x7 with every probe fine: the evidence removes what it contradicts */
  {
    Case without = { NULL, TCP_OPEN, NULL, G_MAXUINT32, "0x904:0x7" };
    Case with = { "server-evidence-healthy.json", TCP_OPEN, NULL, G_MAXUINT32, "0x904:0x7" };
    g_autoptr(RdDiagnosis) before = diagnose (&without);
    g_autoptr(RdDiagnosis) after = diagnose (&with);

    g_assert_nonnull (find_cause (before, "licensing-cap"));
    g_assert_nonnull (find_cause (before, "profile-corrupt"));
    g_assert_null (find_cause (after, "licensing-cap"));
    g_assert_null (find_cause (after, "profile-corrupt"));
    /* a session of the user may still be stuck: an active one is there */
    g_assert_nonnull (find_cause (after, "session-stuck"));
    g_assert_cmpfloat (rd_cause_get_confidence (find_cause (after, "session-stuck")), ==,
                       rd_cause_get_confidence (find_cause (before, "session-stuck")));
  }

  /* a router forwards the port typed to the server's own (NAT): the port
   * opens, so the other port number is no fault */
  {
    Case c = { "server-evidence-wrong-port.json", TCP_OPEN, NULL, G_MAXUINT32, NULL };
    g_autoptr(RdDiagnosis) diagnosis = diagnose (&c);

    g_assert_null (find_cause (diagnosis, "port-closed"));
  }

  /* a healthy server adds no cause of its own */
  {
    Case c = { "server-evidence-healthy.json", TCP_OPEN, CREDSSP ("pass", "SERVER01"), G_MAXUINT32, NULL };
    g_autoptr(RdDiagnosis) diagnosis = diagnose (&c);

    g_assert_null (rd_diagnosis_get_top_cause (diagnosis));
  }
}

static void
test_rules_other_computer (void)
{
  /* the evidence is of SERVER01, the computer that answered is SERVER02 */
  Case c = { "server-evidence-cert-key.json", TCP_OPEN, CREDSSP ("pass", "SERVER02"), G_MAXUINT32, NULL };
  g_autoptr(RdDiagnosis) diagnosis = diagnose (&c);

  g_assert_null (find_cause (diagnosis, "cert-key-inaccessible"));
  g_assert_cmpstr (rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)), ==, "dns-wrong-host");
}

/* A report saved and read back keeps the server's evidence, and the rules
 * run on it again without surprises */
static void
test_rules_from_saved_report (void)
{
  g_autoptr(RdCheckResult) imported = import_file ("server-evidence-cert-key.json");
  g_autoptr(JsonNode) saved = rd_check_result_to_json (imported);
  g_autofree char *text = rd_json_to_string (saved, FALSE);
  g_autoptr(RdCheckResult) reread = rd_test_result_from_json (text);
  g_autoptr(RdTarget) target = rd_target_parse ("server01", 3389, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(RdDiagnosis) diagnosis = NULL;

  g_ptr_array_add (results, g_object_ref (reread));
  diagnosis = rd_diagnosis_new (target, results, rd_catalog_get_default ());
  g_assert_cmpstr (rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)), ==, "cert-key-inaccessible");
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/import-healthy", test_import_healthy);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/import-quirks", test_import_quirks);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/import-encodings", test_import_encodings);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/import-refusals", test_import_refusals);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/import-cleans-strings", test_import_cleans_strings);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/script-read-only", test_script_is_read_only);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/script-shape", test_script_shape);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/rules-confirm", test_rules_confirm);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/rules-healthy-server", test_rules_healthy_server);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/rules-other-computer", test_rules_other_computer);
  g_test_add_func ("/RdpDoctor/Engine/ServerEvidence/rules-saved-report", test_rules_from_saved_report);

  return g_test_run ();
}
