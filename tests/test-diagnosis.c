/* test-diagnosis.c: the ranking as a pure function of evidence, the catalog,
 * and the report's shape
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>

#include "rd-core.h"
#include "rd-test-util.h"

/* Builds a result from a JSON text, as a saved report holds it. */
static RdDiagnosis *
diagnose (const char *dns_json,
          const char *tcp_json)
{
  g_autoptr(RdTarget) target = rd_target_parse ("server.example:3389", 3389, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);

  if (dns_json != NULL)
    g_ptr_array_add (results, rd_test_result_from_json (dns_json));
  if (tcp_json != NULL)
    g_ptr_array_add (results, rd_test_result_from_json (tcp_json));
  return rd_diagnosis_new (target, results, rd_catalog_get_default ());
}

#define DNS_OK "{\"id\":\"dns\",\"status\":\"pass\",\"summary\":\"ok\",\"evidence\":{\"addresses\":[{\"address\":\"192.0.2.10\",\"family\":\"ipv4\",\"reverse\":null}]}}"
#define DNS_FAIL "{\"id\":\"dns\",\"status\":\"fail\",\"summary\":\"No computer called server.example is known\",\"evidence\":{\"addresses\":[],\"failure\":\"not-found\"}}"
#define TCP_SKIPPED "{\"id\":\"tcp\",\"status\":\"skipped\",\"summary\":\"Not run\",\"evidence\":{\"skipped_because\":\"dns\"}}"
#define TCP(status, state, extra) \
  "{\"id\":\"tcp\",\"status\":\"" status "\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"" state "\"" extra "}}"
#define HANDSHAKES(failed, unsteady) \
  ",\"unsteady\":" unsteady ",\"handshakes\":{\"attempts\":5,\"failed\":" failed ",\"min_ms\":0.1,\"median_ms\":0.2,\"max_ms\":0.3}"

static const char *
top_id (RdDiagnosis *diagnosis)
{
  RdCause *top = rd_diagnosis_get_top_cause (diagnosis);
  return top != NULL ? rd_cause_get_id (top) : NULL;
}

static void
test_ranking (void)
{
  struct {
    const char *dns, *tcp, *top;
    gboolean problems;
  } cases[] = {
    { DNS_FAIL, TCP_SKIPPED, "dns-unresolved", TRUE },
    { DNS_OK, TCP ("fail", "refused", ""), "port-closed", TRUE },
    { DNS_OK, TCP ("fail", "timeout", ""), "port-filtered", TRUE },
    { DNS_OK, TCP ("fail", "unreachable", ""), "port-filtered", TRUE },
    { DNS_OK, TCP ("warn", "open", HANDSHAKES ("2", "true")), "network-unstable", TRUE },
    { DNS_OK, TCP ("warn", "open", HANDSHAKES ("0", "true")), "network-unstable", TRUE },
    /* a healthy host gets no cause: no false alarms */
    { DNS_OK, TCP ("pass", "open", HANDSHAKES ("0", "false")), NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RdDiagnosis) diagnosis = diagnose (cases[i].dns, cases[i].tcp);

      g_test_message ("case %u", i);
      g_assert_cmpstr (top_id (diagnosis), ==, cases[i].top);
      g_assert_cmpint (rd_diagnosis_found_problems (diagnosis), ==, cases[i].problems);
      if (cases[i].top != NULL)
        {
          RdCause *top = rd_diagnosis_get_top_cause (diagnosis);
          g_assert_cmpuint (rd_cause_get_reasons (top)->len, >, 0);
          g_assert_cmpfloat (rd_cause_get_confidence (top), >, 0.0);
        }
    }
}

#define NEGOTIATION(failed, unsteady) \
  "{\"id\":\"negotiation\",\"status\":\"warn\",\"summary\":\"s\",\"evidence\":{\"protocols\":{\"rdp\":false,\"ssl\":true,\"hybrid\":true}," \
  "\"failure_codes\":{},\"flags\":[],\"legacy\":false,\"unsteady\":" unsteady ",\"handshakes\":{\"attempts\":5,\"failed\":" failed "," \
  "\"min_ms\":0.1,\"median_ms\":0.2,\"max_ms\":0.3}}}"

/* The path's steadiness is measured on the negotiation's connections. */
static void
test_unsteady_measured_by_negotiation (void)
{
  struct {
    const char *negotiation, *top;
  } cases[] = {
    { NEGOTIATION ("1", "true"), "network-unstable" },
    { NEGOTIATION ("0", "true"), "network-unstable" },
    { NEGOTIATION ("0", "false"), NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(RdTarget) target = rd_target_parse ("server.example:3389", 3389, NULL);
      g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(RdDiagnosis) diagnosis = NULL;

      g_ptr_array_add (results, rd_test_result_from_json (DNS_OK));
      g_ptr_array_add (results, rd_test_result_from_json (TCP ("pass", "open", "")));
      g_ptr_array_add (results, rd_test_result_from_json (cases[i].negotiation));
      diagnosis = rd_diagnosis_new (target, results, rd_catalog_get_default ());

      g_test_message ("case %u", i);
      g_assert_cmpstr (top_id (diagnosis), ==, cases[i].top);
    }
}

static void
test_filtered_outranks_unreachable (void)
{
  g_autoptr(RdDiagnosis) timeout = diagnose (DNS_OK, TCP ("fail", "timeout", ""));
  g_autoptr(RdDiagnosis) unreachable = diagnose (DNS_OK, TCP ("fail", "unreachable", ""));

  g_assert_cmpfloat (rd_cause_get_confidence (rd_diagnosis_get_top_cause (timeout)), >,
                     rd_cause_get_confidence (rd_diagnosis_get_top_cause (unreachable)));
}

static void
test_catalog_complete (void)
{
  RdCatalog *catalog = rd_catalog_get_default ();
  const char *required[] = { "dns-unresolved", "port-closed", "port-filtered", "network-unstable" };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    {
      const RdCatalogCause *cause = rd_catalog_lookup (catalog, required[i]);

      g_assert_nonnull (cause);
      g_assert_cmpuint (cause->fixes->len, >, 0);
      g_assert_nonnull (cause->recheck[0]);
    }
  g_assert_null (rd_catalog_lookup (catalog, "no-such-cause"));
}

static void
test_catalog_rejects_broken (void)
{
  const char *broken[] = {
    "<causes><cause><title>t</title></cause></causes>",
    "<causes><cause id=\"x\"><title>t</title><explanation>e</explanation></cause></causes>",
    "<causes><cause id=\"x\"><title>t</title><explanation>e</explanation><fix id=\"f\"><title>t</title></fix></cause></causes>",
    "<causes><cause id=\"x\"><bogus/></cause></causes>",
    "<causes><cause id=\"x\">",
  };

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static (broken[i], strlen (broken[i]));
      g_autoptr(GError) error = NULL;
      g_autoptr(RdCatalog) catalog = rd_catalog_new_from_data (bytes, &error);

      g_assert_null (catalog);
      g_assert_nonnull (error);
    }
}

static void
test_shell_quoting (void)
{
  const char *hostile[] = { "a'b", "$(id)", "`id`", "a;b", "a\nb", "a‘b’c", "\"x\"" };

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autofree char *sh = rd_shell_quote ("sh", hostile[i]);
      g_autofree char *ps = rd_shell_quote ("powershell", hostile[i]);
      g_auto(GStrv) argv = NULL;
      g_autoptr(GError) error = NULL;

      /* POSIX: the shell's own parser gives back exactly one word, unchanged */
      g_assert_true (g_shell_parse_argv (sh, NULL, &argv, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length (argv), ==, 1);
      g_assert_cmpstr (argv[0], ==, hostile[i]);

      /* PowerShell: single-quoted, with every quote doubled */
      g_assert_true (g_str_has_prefix (ps, "'") && g_str_has_suffix (ps, "'"));
    }
  {
    g_autofree char *ps = rd_shell_quote ("powershell", "a'b‘c");
    g_assert_cmpstr (ps, ==, "'a''b'‘c'");
  }
}

static void
test_command_render (void)
{
  g_autoptr(RdTarget) target = rd_target_parse ("[2001:db8::1]:3390", 3389, NULL);
  RdCatalogCommand command = { (char *) "sh", (char *) "mtr --tcp --port {port} {host}" };
  g_autofree char *rendered = rd_catalog_command_render (&command, target);

  g_assert_cmpstr (rendered, ==, "mtr --tcp --port 3390 '2001:db8::1'");

  /* host:port together: an IPv6 address goes in brackets, or the port would
   * read as the address's last group */
  {
    RdCatalogCommand client = { (char *) "sh", (char *) "xfreerdp /v:{host}:{port} /sec:tls" };
    RdCatalogCommand mstsc = { (char *) "powershell", (char *) "mstsc.exe /v:{host}:{port}" };
    g_autoptr(RdTarget) named = rd_target_parse ("server.example", 3389, NULL);
    g_autofree char *v6 = rd_catalog_command_render (&client, target);
    g_autofree char *v6_ps = rd_catalog_command_render (&mstsc, target);
    g_autofree char *v4 = rd_catalog_command_render (&client, named);

    g_assert_cmpstr (v6, ==, "xfreerdp /v:'[2001:db8::1]:3390' /sec:tls");
    g_assert_cmpstr (v6_ps, ==, "mstsc.exe /v:'[2001:db8::1]:3390'");
    g_assert_cmpstr (v4, ==, "xfreerdp /v:'server.example:3389' /sec:tls");
  }
}

static void
test_report_json (void)
{
  g_autoptr(RdDiagnosis) diagnosis = diagnose (DNS_OK, TCP ("fail", "refused", ""));
  g_autoptr(JsonNode) root = rd_diagnosis_to_json (diagnosis);
  JsonObject *report = json_node_get_object (root);
  JsonObject *target = json_object_get_object_member (report, "target");
  JsonArray *checks = json_object_get_array_member (report, "checks");
  JsonArray *causes = json_object_get_array_member (report, "causes");
  JsonObject *cause, *fix;

  g_assert_cmpint (json_object_get_int_member (report, "schema"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (target, "host"), ==, "server.example");
  g_assert_cmpint (json_object_get_int_member (target, "port"), ==, 3389);
  g_assert_cmpuint (json_array_get_length (checks), ==, 2);
  g_assert_true (json_object_has_member (json_array_get_object_element (checks, 0), "duration_ms"));
  g_assert_cmpuint (json_array_get_length (causes), ==, 1);
  cause = json_array_get_object_element (causes, 0);
  g_assert_cmpstr (json_object_get_string_member (cause, "id"), ==, "port-closed");
  g_assert_cmpfloat (json_object_get_double_member (cause, "confidence"), ==, 0.9);
  fix = json_array_get_object_element (json_object_get_array_member (cause, "fixes"), 0);
  g_assert_true (json_object_has_member (fix, "id"));
  g_assert_true (json_object_has_member (fix, "title"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (fix, "steps")), >, 0);
  g_assert_true (json_object_get_boolean_member (report, "problems_found"));
}

static void
test_report_text (void)
{
  g_autoptr(RdDiagnosis) sick = diagnose (DNS_OK, TCP ("fail", "timeout", ""));
  g_autoptr(RdDiagnosis) healthy = diagnose (DNS_OK, TCP ("pass", "open", HANDSHAKES ("0", "false")));
  g_autofree char *sick_text = rd_diagnosis_to_text (sick);
  g_autofree char *healthy_text = rd_diagnosis_to_text (healthy);

  g_assert_nonnull (strstr (sick_text, "[port-filtered]"));
  g_assert_nonnull (strstr (sick_text, "Enable-NetFirewallRule"));
  g_assert_nonnull (strstr (healthy_text, "Nothing is wrong from here"));
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/Diagnosis/ranking", test_ranking);
  g_test_add_func ("/Rd/Diagnosis/unsteady-measured-by-negotiation", test_unsteady_measured_by_negotiation);
  g_test_add_func ("/Rd/Diagnosis/filtered-outranks-unreachable", test_filtered_outranks_unreachable);
  g_test_add_func ("/Rd/Catalog/complete", test_catalog_complete);
  g_test_add_func ("/Rd/Catalog/rejects-broken", test_catalog_rejects_broken);
  g_test_add_func ("/Rd/Catalog/shell-quoting", test_shell_quoting);
  g_test_add_func ("/Rd/Catalog/command-render", test_command_render);
  g_test_add_func ("/Rd/Report/json", test_report_json);
  g_test_add_func ("/Rd/Report/text", test_report_text);

  return g_test_run ();
}
