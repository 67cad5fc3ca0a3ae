/* test-local.c: this computer's side: the routing table parser, VPN
 * interfaces, FreeRDP's proxy rules, the clients' cached certificates, and
 * the rules that compare them with what the server showed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "rd-cert-cache.h"
#include "rd-core.h"
#include "rd-gateway-check.h"
#include "rd-local-check.h"
#include "rd-routes.h"
#include "rd-test-util.h"

/* the fixture certificate tests/data/freerdp-cached.pem */
#define FIXTURE_SHA256 "A2FE72F67595B5E22AF0FE6B59AD2219F0823674760EEE511EB0274142DE3CC7"
#define FIXTURE_SHA1   "C22D25DDAF68A0EE118C9B0D3EE5190D58B50C71"

static char *
read_fixture (const char *name)
{
  g_autofree char *path = g_build_filename (RD_TEST_DATA_DIR, name, NULL);
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static const char *
route_interface (GPtrArray  *routes,
                 const char *address_text)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (address_text);
  const RdRoute *route = rd_routes_lookup (routes, address);

  return route != NULL ? route->interface : NULL;
}

/* ---- routes ------------------------------------------------------------------ */

static void
test_routes_ipv4 (void)
{
  g_autofree char *text = read_fixture ("route-ipv4");
  g_autoptr(GPtrArray) routes = rd_routes_parse_ipv4 (text);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string ("8.8.8.8");
  const RdRoute *route;

  /* the rejecting route and the route that is down are left out */
  g_assert_cmpuint (routes->len, ==, 5);

  /* the lower metric of the two default routes */
  route = rd_routes_lookup (routes, address);
  g_assert_nonnull (route);
  g_assert_cmpstr (route->interface, ==, "eth0");
  g_assert_cmpuint (route->prefix, ==, 0);
  g_assert_cmpuint (route->metric, ==, 100);
  g_assert_true (route->has_gateway);
  g_assert_cmpuint (route->gateway[0], ==, 192);
  g_assert_cmpuint (route->gateway[3], ==, 1);

  /* the longest prefix wins: 10.8.0.0/24 over 10.0.0.0/8, both on tun0 */
  g_assert_cmpstr (route_interface (routes, "10.1.2.3"), ==, "tun0");
  g_assert_cmpstr (route_interface (routes, "10.8.0.5"), ==, "tun0");
  g_assert_cmpstr (route_interface (routes, "192.168.1.20"), ==, "eth0");
  /* 192.168.2.0/24 is down and 192.168.0.0/16 rejects: the default route */
  g_assert_cmpstr (route_interface (routes, "192.168.2.20"), ==, "eth0");
  g_assert_null (route_interface (routes, "2001:db8::1"));

  {
    g_autoptr(GInetAddress) ten = g_inet_address_new_from_string ("10.8.0.5");
    route = rd_routes_lookup (routes, ten);
    g_assert_cmpuint (route->prefix, ==, 24);
  }
}

static void
test_routes_ipv6 (void)
{
  g_autofree char *text = read_fixture ("route-ipv6");
  g_autoptr(GPtrArray) routes = rd_routes_parse_ipv6 (text);

  /* the rejecting 2001:db8::/32 route is left out */
  g_assert_cmpuint (routes->len, ==, 5);
  g_assert_cmpstr (route_interface (routes, "fd10::5"), ==, "wg0");
  g_assert_cmpstr (route_interface (routes, "2001:db8::1"), ==, "eth0");
  g_assert_cmpstr (route_interface (routes, "2a00:1450::1"), ==, "eth0");
  g_assert_cmpstr (route_interface (routes, "::1"), ==, "lo");
  g_assert_cmpstr (route_interface (routes, "fe80::1234"), ==, "eth0");
  g_assert_null (route_interface (routes, "10.0.0.1"));
}

static void
test_routes_json (void)
{
  g_autofree char *text = read_fixture ("route-ipv4");
  g_autoptr(GPtrArray) routes = rd_routes_parse_ipv4 (text);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(GPtrArray) back = NULL;
  JsonObject *first;

  for (guint i = 0; i < routes->len; i++)
    json_array_add_object_element (array, rd_route_to_json (g_ptr_array_index (routes, i)));
  first = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "destination"), ==, "0.0.0.0");
  g_assert_cmpstr (json_object_get_string_member (first, "gateway"), ==, "192.168.1.1");
  g_assert_cmpint (json_object_get_int_member (first, "prefix"), ==, 0);

  /* what a saved report holds gives the same answers; broken entries are left out */
  json_array_add_string_element (array, "not a route");
  {
    JsonObject *broken = json_object_new ();
    json_object_set_string_member (broken, "destination", "10.0.0.0");
    json_object_set_int_member (broken, "prefix", 99);
    json_object_set_string_member (broken, "interface", "x");
    json_array_add_object_element (array, broken);
  }
  back = rd_routes_from_json (array);
  g_assert_cmpuint (back->len, ==, routes->len);
  g_assert_cmpstr (route_interface (back, "10.1.2.3"), ==, "tun0");
  g_assert_cmpstr (route_interface (back, "8.8.8.8"), ==, "eth0");
}

static void
test_routes_garbage (void)
{
  g_autoptr(GPtrArray) none = rd_routes_parse_ipv4 ("");
  g_autoptr(GPtrArray) junk = rd_routes_parse_ipv4 ("Iface\tDestination\nfoo bar\n\n\teth0 zz 00 1\n");
  g_autoptr(GPtrArray) junk6 = rd_routes_parse_ipv6 ("fd10 40 xx\n00 ff 00 00 00 00 00 00 00 eth0\n");

  g_assert_cmpuint (none->len, ==, 0);
  g_assert_cmpuint (junk->len, ==, 0);
  g_assert_cmpuint (junk6->len, ==, 0);
}

/* ---- VPN interfaces ----------------------------------------------------------- */

static void
write_interface (const char *root,
                 const char *name,
                 const char *type,
                 const char *flags,
                 const char *tun_flags,
                 const char *uevent)
{
  g_autofree char *directory = g_build_filename (root, name, NULL);
  struct { const char *file; const char *value; } files[] = {
    { "type", type }, { "flags", flags }, { "tun_flags", tun_flags }, { "uevent", uevent },
  };

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    if (files[i].value != NULL)
      {
        g_autofree char *path = g_build_filename (directory, files[i].file, NULL);
        g_assert_true (g_file_set_contents (path, files[i].value, -1, NULL));
      }
}

static void
test_vpn_interfaces (void)
{
  g_autofree char *root = g_build_filename (g_get_user_runtime_dir (), "sys-class-net", NULL);
  g_autoptr(JsonArray) found = NULL;
  const char *expected[][3] = {
    { "ppp0", "ppp", "up" },
    { "tap0", "tap", "up" },
    { "tun0", "tun", "up" },
    { "wg0", "wireguard", "down" },
  };

  write_interface (root, "lo", "772\n", "0x9\n", NULL, "INTERFACE=lo\n");
  write_interface (root, "eth0", "1\n", "0x1003\n", NULL, "INTERFACE=eth0\n");
  write_interface (root, "tun0", "65534\n", "0x1091\n", "0x1001\n", "INTERFACE=tun0\n");
  write_interface (root, "wg0", "65534\n", "0x1090\n", NULL, "DEVTYPE=wireguard\nINTERFACE=wg0\n");
  write_interface (root, "ppp0", "512\n", "0x10d1\n", NULL, "INTERFACE=ppp0\n");
  write_interface (root, "tap0", "1\n", "0x1103\n", "0x1002\n", "INTERFACE=tap0\n");
  /* a virtual machine's tap device is no VPN */
  write_interface (root, "vnet3", "1\n", "0x1103\n", "0x1002\n", "INTERFACE=vnet3\n");

  found = rd_local_check_scan_vpn_interfaces (root);
  g_assert_cmpuint (json_array_get_length (found), ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      JsonObject *entry = json_array_get_object_element (found, i);

      g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, expected[i][0]);
      g_assert_cmpstr (json_object_get_string_member (entry, "kind"), ==, expected[i][1]);
      g_assert_cmpint (json_object_get_boolean_member (entry, "up"), ==, g_str_equal (expected[i][2], "up"));
    }

  g_clear_pointer (&found, json_array_unref);
  found = rd_local_check_scan_vpn_interfaces ("/nonexistent/sys/class/net");
  g_assert_cmpuint (json_array_get_length (found), ==, 0);
}

/* ---- FreeRDP's proxy ------------------------------------------------------------ */

static void
test_freerdp_proxy (void)
{
  struct {
    const char *https_proxy, *no_proxy, *host, *expected;
  } cases[] = {
    { NULL, NULL, "server.example", NULL },
    { "http://proxy.example:3128", NULL, "server.example", "http://proxy.example:3128" },
    { "http://user:secret@proxy.example:3128", NULL, "server.example", "http://user@proxy.example:3128" },
    { "proxy.example:3128", NULL, "server.example", "proxy.example:3128" },
    { "socks5://proxy.example:1080", NULL, "server.example", "socks5://proxy.example:1080" },
    /* FreeRDP only knows http and socks5 */
    { "https://proxy.example:3128", NULL, "server.example", NULL },
    { "http://proxy.example:3128", ".example", "server.example", NULL },
    { "http://proxy.example:3128", "localhost, SERVER.example", "server.example", NULL },
    { "http://proxy.example:3128", "*", "server.example", NULL },
    { "http://proxy.example:3128", "other.test", "server.example", "http://proxy.example:3128" },
    { "http://proxy.example:3128", "10.0.0.0/8", "10.1.2.3", NULL },
    { "http://proxy.example:3128", "10.", "10.1.2.3", NULL },
    { "http://proxy.example:3128", "192.168.0.0/16", "10.1.2.3", "http://proxy.example:3128" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *proxy = NULL;

      g_test_message ("case %u", i);
      g_unsetenv ("HTTPS_PROXY");
      g_unsetenv ("NO_PROXY");
      if (cases[i].https_proxy != NULL)
        g_setenv ("https_proxy", cases[i].https_proxy, TRUE);
      else
        g_unsetenv ("https_proxy");
      if (cases[i].no_proxy != NULL)
        g_setenv ("no_proxy", cases[i].no_proxy, TRUE);
      else
        g_unsetenv ("no_proxy");
      proxy = rd_local_check_freerdp_proxy (cases[i].host);
      g_assert_cmpstr (proxy, ==, cases[i].expected);
    }
  g_unsetenv ("https_proxy");
  g_unsetenv ("no_proxy");
}

/* ---- cached certificates ------------------------------------------------------- */

static void
test_cache_file_name (void)
{
  struct { const char *host; guint16 port; const char *expected; } cases[] = {
    { "Server.Example", 3389, "server.example_3389.pem" },
    { "192.0.2.10", 3390, "192.0.2.10_3390.pem" },
    { "2001:db8::1", 3389, "2001.db8..1_3389.pem" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = rd_cert_cache_file_name (cases[i].host, cases[i].port);
      g_assert_cmpstr (name, ==, cases[i].expected);
    }
}

static int
run_shell (const char *command)
{
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  g_autoptr(GError) error = NULL;
  int status = -1;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  return status;
}

static void
test_cache_pem (void)
{
  g_autofree char *pem = read_fixture ("freerdp-cached.pem");
  g_autofree char *directory = g_build_filename (g_get_user_config_dir (), "freerdp", "server", NULL);
  g_autofree char *path = g_build_filename (directory, "server.example_3389.pem", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_new_utc (2200, 1, 1, 0, 0, 0);
  g_autoptr(JsonArray) found = NULL;
  g_autoptr(JsonArray) none = NULL;
  g_autoptr(JsonArray) expired = NULL;
  JsonObject *entry;
  g_autofree char *expected_command = NULL;
  g_autofree char *quoted = NULL;

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, pem, -1, NULL));

  /* FreeRDP looks the name up in lower case: so does the reader */
  found = rd_cert_cache_lookup ("Server.Example", 3389, now);
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  entry = json_array_get_object_element (found, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "client"), ==, "freerdp");
  g_assert_cmpstr (json_object_get_string_member (entry, "store"), ==, "pem");
  g_assert_cmpstr (json_object_get_string_member (entry, "path"), ==, path);
  g_assert_true (json_object_get_boolean_member (entry, "readable"));
  g_assert_cmpstr (json_object_get_string_member (entry, "sha256"), ==, FIXTURE_SHA256);
  g_assert_cmpstr (json_object_get_string_member (entry, "sha1"), ==, FIXTURE_SHA1);
  g_assert_cmpstr (json_object_get_string_member (entry, "subject_cn"), ==, "server.example");
  g_assert_true (json_object_get_boolean_member (entry, "self_signed"));
  g_assert_false (json_object_get_boolean_member (entry, "expired"));
  g_assert_cmpint (json_object_get_int_member (entry, "days_left"), >, 30);
  quoted = g_shell_quote (path);
  expected_command = g_strdup_printf ("rm -- %s", quoted);
  g_assert_cmpstr (json_object_get_string_member (entry, "forget_command"), ==, expected_command);

  /* another port is another entry */
  none = rd_cert_cache_lookup ("server.example", 3390, now);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);

  /* the dates are judged by the clock the check read */
  expired = rd_cert_cache_lookup ("server.example", 3389, later);
  entry = json_array_get_object_element (expired, 0);
  g_assert_true (json_object_get_boolean_member (entry, "expired"));
  g_assert_cmpint (json_object_get_int_member (entry, "days_left"), <, 0);

  /* the forget command removes that file */
  g_assert_cmpint (run_shell (expected_command), ==, 0);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_cache_known_hosts (void)
{
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "freerdp", NULL);
  g_autofree char *remmina = g_build_filename (g_get_user_data_dir (), "remmina", "RDP", NULL);
  g_autofree char *path = g_build_filename (config, "known_hosts2", NULL);
  g_autofree char *remmina_path = g_build_filename (remmina, "known_hosts2", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonArray) found = NULL;
  g_autofree char *after = NULL;
  JsonObject *entry;
  /* FreeRDP 2's lines: host port fingerprint subject issuer */
  const char *contents =
    "# a comment\n"
    "server.example 3389 a2:fe:72:f6:75:95:b5:e2:2a:f0:fe:6b:59:ad:22:19:f0:82:36:74:76:0e:ee:51:1e:b0:27:41:42:de:3c:c7 Q04gPSBzZXJ2ZXIuZXhhbXBsZQ== Q04gPSBzZXJ2ZXIuZXhhbXBsZQ==\n"
    "other.example 3389 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff Zm9v YmFy\n"
    "server.example 3390 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff Zm9v YmFy\n"
    "server.example.org 3389 00:11 Zm9v YmFy\n";
  /* an entry from before FreeRDP 2.0.0: SHA-1 */
  const char *remmina_contents =
    "server.example 3389 c2:2d:25:dd:af:68:a0:ee:11:8c:9b:0d:3e:e5:19:0d:58:b5:0c:71 Zm9v YmFy\n";

  g_assert_cmpint (g_mkdir_with_parents (config, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (remmina, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_assert_true (g_file_set_contents (remmina_path, remmina_contents, -1, NULL));

  found = rd_cert_cache_lookup ("SERVER.example", 3389, now);
  g_assert_cmpuint (json_array_get_length (found), ==, 2);

  entry = json_array_get_object_element (found, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "client"), ==, "freerdp");
  g_assert_cmpstr (json_object_get_string_member (entry, "store"), ==, "known_hosts2");
  g_assert_cmpint (json_object_get_int_member (entry, "line"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (entry, "sha256"), ==, FIXTURE_SHA256);
  g_assert_cmpstr (json_object_get_string_member (entry, "subject"), ==, "CN = server.example");
  g_assert_false (json_object_has_member (entry, "not_after"));

  /* the forget command removes only that line */
  g_assert_cmpint (run_shell (json_object_get_string_member (entry, "forget_command")), ==, 0);
  g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
  g_assert_null (strstr (after, "server.example 3389 "));
  g_assert_nonnull (strstr (after, "# a comment\n"));
  g_assert_nonnull (strstr (after, "other.example 3389 "));
  g_assert_nonnull (strstr (after, "server.example 3390 "));
  g_assert_nonnull (strstr (after, "server.example.org 3389 "));

  entry = json_array_get_object_element (found, 1);
  g_assert_cmpstr (json_object_get_string_member (entry, "client"), ==, "remmina");
  g_assert_cmpstr (json_object_get_string_member (entry, "sha1"), ==, FIXTURE_SHA1);
  g_assert_false (json_object_has_member (entry, "sha256"));
}

static void
async_done_cb (GObject      *source_object,
               GAsyncResult *result,
               gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Forgetting removes that .pem file or that known_hosts2 line, and nothing
 * an entry could name besides */
static void
test_cache_forget (void)
{
  g_autofree char *pem = read_fixture ("freerdp-cached.pem");
  g_autofree char *config = g_build_filename (g_get_user_config_dir (), "freerdp", NULL);
  g_autofree char *server = g_build_filename (config, "server", NULL);
  g_autofree char *pem_path = g_build_filename (server, "forget.example_3389.pem", NULL);
  g_autofree char *other_pem = g_build_filename (server, "keep.example_3389.pem", NULL);
  g_autofree char *known_hosts = g_build_filename (config, "known_hosts2", NULL);
  g_autofree char *outside = g_build_filename (g_get_user_config_dir (), "precious.txt", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(JsonArray) found = NULL;
  g_autoptr(JsonArray) all = json_array_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;
  const char *contents =
    "# a comment\n"
    "forget.example 3389 a2:fe:72:f6:75:95:b5:e2:2a:f0:fe:6b:59:ad:22:19:f0:82:36:74:76:0e:ee:51:1e:b0:27:41:42:de:3c:c7 Zm9v YmFy\n"
    "keep.example 3389 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff Zm9v YmFy\n"
    "forget.example 3390 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff Zm9v YmFy\n"
    "forget.example 3389 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff Zm9v YmFy";

  g_assert_cmpint (g_mkdir_with_parents (server, 0700), ==, 0);
  g_assert_true (g_file_set_contents (pem_path, pem, -1, NULL));
  g_assert_true (g_file_set_contents (other_pem, pem, -1, NULL));
  g_assert_true (g_file_set_contents (known_hosts, contents, -1, NULL));
  g_assert_true (g_file_set_contents (outside, "keep me", -1, NULL));
  g_assert_cmpint (g_chmod (known_hosts, 0600), ==, 0);

  found = rd_cert_cache_lookup ("forget.example", 3389, now);
  g_assert_cmpuint (json_array_get_length (found), ==, 3);
  for (guint i = 0; i < json_array_get_length (found); i++)
    {
      JsonObject *entry = json_array_get_object_element (found, i);

      /* what the local check adds */
      json_object_set_string_member (entry, "host", "forget.example");
      json_object_set_int_member (entry, "port", 3389);
      json_array_add_object_element (all, json_object_ref (entry));
    }

  /* an entry that names another file, or a line of another host, is refused */
  {
    g_autoptr(JsonObject) hostile = json_object_new ();

    json_object_set_string_member (hostile, "store", "pem");
    json_object_set_string_member (hostile, "path", outside);
    json_object_set_string_member (hostile, "host", "forget.example");
    json_object_set_int_member (hostile, "port", 3389);
    g_assert_false (rd_cert_cache_forget (hostile, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    /* another host's file in the right folder */
    json_object_set_string_member (hostile, "path", other_pem);
    g_assert_false (rd_cert_cache_forget (hostile, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    /* a line that is not this host's */
    json_object_set_string_member (hostile, "store", "known_hosts2");
    json_object_set_string_member (hostile, "path", known_hosts);
    json_object_set_int_member (hostile, "line", 3);
    g_assert_false (rd_cert_cache_forget (hostile, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }

  /* both known_hosts2 lines and the .pem file, on a worker thread */
  rd_cert_cache_forget_async (all, NULL, async_done_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (rd_cert_cache_forget_finish (result, &error));
  g_assert_no_error (error);

  g_assert_false (g_file_test (pem_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other_pem, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (outside, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_get_contents (known_hosts, &after, NULL, NULL));
  g_assert_cmpstr (after, ==,
                   "# a comment\n"
                   "keep.example 3389 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff Zm9v YmFy\n"
                   "forget.example 3390 00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd:ee:ff Zm9v YmFy\n");
  {
    GStatBuf info;

    g_assert_cmpint (g_stat (known_hosts, &info), ==, 0);
    g_assert_cmpint (info.st_mode & 0777, ==, 0600);
  }
  g_clear_pointer (&found, json_array_unref);
  found = rd_cert_cache_lookup ("forget.example", 3389, now);
  g_assert_cmpuint (json_array_get_length (found), ==, 0);

  /* already forgotten counts as forgotten */
  g_assert_true (rd_cert_cache_forget (json_array_get_object_element (all, 0), &error));
  g_assert_no_error (error);

  g_unlink (other_pem);
  g_unlink (known_hosts);
}

/* ---- the local check itself ---------------------------------------------------- */

static gpointer
run_local_check_thread (gpointer data)
{
  g_autoptr(RdTarget) target = rd_target_parse ("192.0.2.10", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(RdCheckContext) context = rd_check_context_new (target, g_get_monotonic_time () + 5 * G_USEC_PER_SEC,
                                                            NULL, NULL);
  g_autoptr(RdCheck) check = rd_local_check_new ();

  return rd_check_run (check, context, NULL);
}

/* Many hosts checked at once share one look at this machine: the clients'
 * --version runs once, not once per host; a later run looks again. */
static void
test_machine_state_shared (void)
{
  g_autofree char *bin = g_dir_make_tmp ("rd-local-XXXXXX", NULL);
  g_autofree char *client = g_build_filename (bin, "xfreerdp", NULL);
  g_autofree char *log = g_build_filename (bin, "runs", NULL);
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\necho run >> '%s'\necho 'FreeRDP version 2.11.2'\n", log);
  g_autofree char *old_path = g_strdup (g_getenv ("PATH"));
  g_autofree char *new_path = g_strdup_printf ("%s:%s", bin, old_path);
  g_autofree char *runs = NULL;
  RdCheckResult *results[4] = { NULL, };
  GThread *threads[3];

  g_assert_true (g_file_set_contents (client, script, -1, NULL));
  g_assert_cmpint (g_chmod (client, 0755), ==, 0);
  g_setenv ("PATH", new_path, TRUE);
  rd_local_check_forget_machine_state ();  /* an earlier test looked */

  /* three hosts at once, as a fleet run starts them */
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("local", run_local_check_thread, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    results[i] = g_thread_join (threads[i]);
  g_assert_true (g_file_get_contents (log, &runs, NULL, NULL));
  g_assert_cmpstr (runs, ==, "run\n");
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      JsonArray *clients = json_object_get_array_member (rd_check_result_get_evidence (results[i]), "clients");

      g_assert_cmpuint (json_array_get_length (clients), >=, 1);
      g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (clients, 0), "version"), ==, "2.11.2");
    }

  /* once the look is old, the next host looks again */
  g_usleep (2100 * G_TIME_SPAN_MILLISECOND);
  results[3] = run_local_check_thread (NULL);
  g_clear_pointer (&runs, g_free);
  g_assert_true (g_file_get_contents (log, &runs, NULL, NULL));
  g_assert_cmpstr (runs, ==, "run\nrun\n");

  g_setenv ("PATH", old_path, TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    g_object_unref (results[i]);
  g_unlink (client);
  g_unlink (log);
  g_rmdir (bin);
}

static void
test_local_check_runs (void)
{
  g_autoptr(RdTarget) target = rd_target_parse ("192.0.2.10", RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(GHashTable) options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                         (GDestroyNotify) g_variant_unref);
  g_autoptr(RdCheckContext) context = NULL;
  g_autoptr(RdCheck) check = rd_local_check_new ();
  g_autoptr(RdCheckResult) result = NULL;
  g_autofree char *directory = g_build_filename (g_get_user_config_dir (), "freerdp", "server", NULL);
  g_autofree char *pem = read_fixture ("freerdp-cached.pem");
  g_autofree char *path = g_build_filename (directory, "gateway.example_443.pem", NULL);
  JsonObject *evidence;
  JsonArray *cached;
  gint64 started = g_get_monotonic_time ();
  static const char * const keys[] = {
    "vpn_interfaces", "networkmanager", "time_sync", "proxy", "routes", "clients", "cached_certificates",
  };

  g_assert_cmpint (g_mkdir_with_parents (directory, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, pem, -1, NULL));
  g_hash_table_insert (options, g_strdup (RD_OPTION_GATEWAY), g_variant_ref_sink (g_variant_new_string ("Gateway.example")));
  context = rd_check_context_new (target, g_get_monotonic_time () + 5 * G_USEC_PER_SEC, options, NULL);
  result = rd_check_run (check, context, NULL);
  g_test_message ("%s", rd_check_result_get_summary (result));

  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  g_assert_true (rd_check_result_get_status (result) == RD_CHECK_STATUS_PASS ||
                 rd_check_result_get_status (result) == RD_CHECK_STATUS_WARN);
  evidence = rd_check_result_get_evidence (result);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    g_assert_true (json_object_has_member (evidence, keys[i]));

  /* the gateway's remembered certificate is looked up too */
  cached = json_object_get_array_member (evidence, "cached_certificates");
  g_assert_cmpuint (json_array_get_length (cached), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (cached, 0), "for"), ==, "gateway");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (cached, 0), "port"), ==, 443);
}

/* ---- the rules ------------------------------------------------------------------ */

/* NULL-terminated JSON texts of results */
static RdDiagnosis *
diagnose (const char *host,
          ...)
{
  g_autoptr(RdTarget) target = rd_target_parse (host, RD_DEFAULT_RDP_PORT, NULL);
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func (g_object_unref);
  const char *text;
  va_list args;

  va_start (args, host);
  while ((text = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (results, rd_test_result_from_json (text));
  va_end (args);
  return rd_diagnosis_new (target, results, rd_catalog_get_default ());
}

static RdCause *
find_cause (RdDiagnosis *diagnosis,
            const char  *cause_id)
{
  GPtrArray *causes = rd_diagnosis_get_causes (diagnosis);

  for (guint i = 0; i < causes->len; i++)
    if (g_strcmp0 (rd_cause_get_id (g_ptr_array_index (causes, i)), cause_id) == 0)
      return g_ptr_array_index (causes, i);
  return NULL;
}

static const char *
first_reason (RdCause *cause)
{
  GPtrArray *reasons = rd_cause_get_reasons (cause);

  g_assert_cmpuint (reasons->len, >, 0);
  return json_object_get_string_member (g_ptr_array_index (reasons, 0), "reason");
}

#define DNS_OK(address) "{\"id\":\"dns\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"addresses\":[{\"address\":\"" address "\",\"family\":\"ipv4\",\"reverse\":null}]}}"
#define TCP(status, state) "{\"id\":\"tcp\",\"status\":\"" status "\",\"summary\":\"s\",\"evidence\":{\"port\":3389,\"state\":\"" state "\"}}"
#define TLS_CERT(sha256, sha1) \
  "{\"id\":\"tls\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"default_policy_ok\":true,\"certificate\":{" \
  "\"subject_cn\":\"server.example\",\"san\":[\"server.example\"],\"issuer\":\"CN=server.example\",\"not_before\":\"2026-01-01T00:00:00Z\"," \
  "\"not_after\":\"2026-07-01T00:00:00Z\",\"sha256\":\"" sha256 "\",\"sha1\":\"" sha1 "\",\"key_type\":\"RSA\",\"key_bits\":2048," \
  "\"signature_algorithm\":\"sha256WithRSAEncryption\",\"self_signed\":true,\"expired\":false,\"not_yet_valid\":false}}}"
#define LOCAL(extra) \
  "{\"id\":\"local\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"vpn_interfaces\":[],\"networkmanager\":null," \
  "\"time_sync\":{\"synchronized\":true},\"proxy\":{\"environment\":{},\"gnome\":null,\"freerdp_proxy\":null},\"routes\":[]," \
  "\"clients\":[],\"cached_certificates\":[]" extra "}}"
#define CACHED(fields) \
  ",\"cached_certificates\":[{\"for\":\"target\",\"host\":\"server.example\",\"port\":3389,\"client\":\"freerdp\",\"store\":\"pem\"," \
  "\"path\":\"/home/u/.config/freerdp/server/server.example_3389.pem\",\"readable\":true," \
  "\"forget_command\":\"rm -- '/home/u/.config/freerdp/server/server.example_3389.pem'\"," fields "}]"
#define NEW_SHA256 "1111111111111111111111111111111111111111111111111111111111111111"
#define NEW_SHA1   "2222222222222222222222222222222222222222"

static void
test_rule_healthy (void)
{
  /* no gateway, no VPN, nothing remembered: nothing to say */
  g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example",
                                               DNS_OK ("192.0.2.10"), TCP ("pass", "open"),
                                               TLS_CERT (NEW_SHA256, NEW_SHA1), LOCAL (""),
                                               "{\"id\":\"gateway\",\"status\":\"skipped\",\"summary\":\"s\",\"evidence\":{\"reason\":\"no-gateway\"}}",
                                               NULL);

  g_assert_cmpuint (rd_diagnosis_get_causes (diagnosis)->len, ==, 0);
  g_assert_false (rd_diagnosis_found_problems (diagnosis));
}

static void
test_rule_same_certificate (void)
{
  g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example", TLS_CERT (NEW_SHA256, NEW_SHA1),
                                               LOCAL (CACHED ("\"sha256\":\"" NEW_SHA256 "\",\"not_after\":\"2026-07-01T00:00:00Z\",\"self_signed\":true,\"expired\":false,\"days_left\":100")),
                                               NULL);

  g_assert_null (find_cause (diagnosis, "client-stale-cert"));
}

static void
test_rule_renewed (void)
{
  /* expired, or self-signed within 30 days of its end: renewed */
  const char *old[] = {
    CACHED ("\"sha256\":\"" FIXTURE_SHA256 "\",\"not_after\":\"2025-12-01T00:00:00Z\",\"self_signed\":false,\"expired\":true,\"days_left\":-20"),
    CACHED ("\"sha256\":\"" FIXTURE_SHA256 "\",\"not_after\":\"2026-12-01T00:00:00Z\",\"self_signed\":true,\"expired\":false,\"days_left\":10"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autofree char *local = g_strdup_printf ("{\"id\":\"local\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"vpn_interfaces\":[],\"routes\":[]%s}}", old[i]);
      g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example", TLS_CERT (NEW_SHA256, NEW_SHA1), local, NULL);
      RdCause *cause = find_cause (diagnosis, "client-stale-cert");

      g_test_message ("case %u", i);
      g_assert_nonnull (cause);
      g_assert_cmpstr (rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)), ==, "client-stale-cert");
      g_assert_cmpfloat (rd_cause_get_confidence (cause), ==, 0.6);
      g_assert_nonnull (strstr (first_reason (cause), "renewed"));
      /* the reason carries the exact command that forgets that entry */
      g_assert_nonnull (strstr (first_reason (cause), "rm -- '/home/u/.config/freerdp/server/server.example_3389.pem'"));
    }
}

static void
test_rule_changed (void)
{
  /* still valid and not near its end, or not self-signed: unexpected */
  const char *old[] = {
    CACHED ("\"sha256\":\"" FIXTURE_SHA256 "\",\"not_after\":\"2027-12-01T00:00:00Z\",\"self_signed\":true,\"expired\":false,\"days_left\":300"),
    CACHED ("\"sha256\":\"" FIXTURE_SHA256 "\",\"not_after\":\"2026-12-01T00:00:00Z\",\"self_signed\":false,\"expired\":false,\"days_left\":10"),
  };

  for (guint i = 0; i < G_N_ELEMENTS (old); i++)
    {
      g_autofree char *local = g_strdup_printf ("{\"id\":\"local\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"vpn_interfaces\":[],\"routes\":[]%s}}", old[i]);
      g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example", TLS_CERT (NEW_SHA256, NEW_SHA1), local, NULL);
      RdCause *cause = find_cause (diagnosis, "client-stale-cert");

      g_test_message ("case %u", i);
      g_assert_nonnull (cause);
      g_assert_cmpfloat (rd_cause_get_confidence (cause), ==, 0.7);
      g_assert_nonnull (strstr (first_reason (cause), "changed unexpectedly"));
      g_assert_nonnull (strstr (first_reason (cause), "make sure this is really your server"));
    }
}

static void
test_rule_known_hosts_sha1 (void)
{
  const char *local = "{\"id\":\"local\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"cached_certificates\":[{"
                      "\"for\":\"target\",\"host\":\"server.example\",\"port\":3389,\"client\":\"remmina\",\"store\":\"known_hosts2\","
                      "\"readable\":true,\"sha1\":\"" FIXTURE_SHA1 "\",\"forget_command\":\"awk …\"}]}}";
  g_autoptr(RdDiagnosis) changed = diagnose ("server.example", TLS_CERT (NEW_SHA256, NEW_SHA1), local, NULL);
  g_autoptr(RdDiagnosis) same = diagnose ("server.example", TLS_CERT (NEW_SHA256, FIXTURE_SHA1), local, NULL);
  RdCause *cause = find_cause (changed, "client-stale-cert");

  g_assert_nonnull (cause);
  g_assert_nonnull (strstr (first_reason (cause), "Remmina"));
  g_assert_nonnull (strstr (first_reason (cause), "no dates"));
  g_assert_null (find_cause (same, "client-stale-cert"));
}

static void
test_rule_server_down (void)
{
  /* without a certificate from the server there is nothing to compare */
  g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example", DNS_OK ("192.0.2.10"), TCP ("fail", "refused"),
                                               LOCAL (CACHED ("\"sha256\":\"" FIXTURE_SHA256 "\",\"not_after\":\"2027-12-01T00:00:00Z\",\"self_signed\":true,\"expired\":false,\"days_left\":300")),
                                               NULL);

  g_assert_null (find_cause (diagnosis, "client-stale-cert"));
  g_assert_cmpstr (rd_cause_get_id (rd_diagnosis_get_top_cause (diagnosis)), ==, "port-closed");
}

#define VPN_LOCAL \
  "{\"id\":\"local\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"vpn_interfaces\":[{\"name\":\"tun0\",\"kind\":\"tun\",\"up\":true}]," \
  "\"routes\":[{\"family\":\"ipv4\",\"destination\":\"0.0.0.0\",\"prefix\":0,\"gateway\":\"192.168.1.1\",\"interface\":\"eth0\",\"metric\":100}," \
  "{\"family\":\"ipv4\",\"destination\":\"10.0.0.0\",\"prefix\":8,\"gateway\":\"10.8.0.1\",\"interface\":\"tun0\",\"metric\":50}]}}"

static void
test_rule_vpn (void)
{
  g_autoptr(RdDiagnosis) through = diagnose ("server.example", DNS_OK ("10.1.2.3"), TCP ("fail", "timeout"), VPN_LOCAL, NULL);
  g_autoptr(RdDiagnosis) beside = diagnose ("server.example", DNS_OK ("192.168.7.7"), TCP ("fail", "timeout"), VPN_LOCAL, NULL);
  g_autoptr(RdDiagnosis) working = diagnose ("server.example", DNS_OK ("10.1.2.3"), TCP ("pass", "open"), VPN_LOCAL, NULL);
  RdCause *cause;

  cause = find_cause (through, "vpn-interference");
  g_assert_nonnull (cause);
  g_assert_cmpfloat (rd_cause_get_confidence (cause), ==, 0.55);
  g_assert_nonnull (strstr (first_reason (cause), "tun0"));

  cause = find_cause (beside, "vpn-interference");
  g_assert_nonnull (cause);
  g_assert_cmpfloat (rd_cause_get_confidence (cause), ==, 0.45);
  g_assert_nonnull (strstr (first_reason (cause), "eth0"));

  /* a VPN is no fault while the connection works */
  g_assert_null (find_cause (working, "vpn-interference"));
  g_assert_cmpuint (rd_diagnosis_get_causes (working)->len, ==, 0);
}

static void
test_rule_proxy (void)
{
  const char *local = "{\"id\":\"local\",\"status\":\"warn\",\"summary\":\"s\",\"evidence\":{\"proxy\":{\"freerdp_proxy\":\"http://proxy.example:3128\"}}}";
  g_autoptr(RdDiagnosis) diagnosis = diagnose ("server.example", DNS_OK ("192.0.2.10"), TCP ("pass", "open"), local, NULL);
  RdCause *cause = find_cause (diagnosis, "vpn-interference");

  g_assert_nonnull (cause);
  g_assert_cmpfloat (rd_cause_get_confidence (cause), ==, 0.5);
  g_assert_nonnull (strstr (first_reason (cause), "http://proxy.example:3128"));
}

static void
test_rule_clock (void)
{
  const char *local = "{\"id\":\"local\",\"status\":\"warn\",\"summary\":\"s\",\"evidence\":{\"time_sync\":{\"synchronized\":false}}}";
  const char *synced = "{\"id\":\"local\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"time_sync\":{\"synchronized\":true}}}";
  const char *credssp = "{\"id\":\"credssp\",\"status\":\"pass\",\"summary\":\"s\",\"evidence\":{\"clock_skew_s\":-900.0}}";
  g_autoptr(RdDiagnosis) unsynced = diagnose ("server.example", credssp, local, NULL);
  g_autoptr(RdDiagnosis) in_sync = diagnose ("server.example", credssp, synced, NULL);
  RdCause *cause = find_cause (unsynced, "clock-skew");

  g_assert_nonnull (cause);
  g_assert_cmpfloat (rd_cause_get_confidence (cause), ==, 0.75);
  g_assert_cmpuint (rd_cause_get_reasons (cause)->len, ==, 2);
  g_assert_cmpfloat (rd_cause_get_confidence (find_cause (in_sync, "clock-skew")), <, 0.75);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Engine/Local/routes/ipv4", test_routes_ipv4);
  g_test_add_func ("/Engine/Local/routes/ipv6", test_routes_ipv6);
  g_test_add_func ("/Engine/Local/routes/json", test_routes_json);
  g_test_add_func ("/Engine/Local/routes/garbage", test_routes_garbage);
  g_test_add_func ("/Engine/Local/vpn-interfaces", test_vpn_interfaces);
  g_test_add_func ("/Engine/Local/freerdp-proxy", test_freerdp_proxy);
  g_test_add_func ("/Engine/Local/cache/file-name", test_cache_file_name);
  g_test_add_func ("/Engine/Local/cache/pem", test_cache_pem);
  g_test_add_func ("/Engine/Local/cache/known-hosts", test_cache_known_hosts);
  g_test_add_func ("/Engine/Local/cache/forget", test_cache_forget);
  g_test_add_func ("/Engine/Local/check", test_local_check_runs);
  g_test_add_func ("/Engine/Local/rules/healthy", test_rule_healthy);
  g_test_add_func ("/Engine/Local/rules/same-certificate", test_rule_same_certificate);
  g_test_add_func ("/Engine/Local/rules/renewed", test_rule_renewed);
  g_test_add_func ("/Engine/Local/rules/changed", test_rule_changed);
  g_test_add_func ("/Engine/Local/rules/known-hosts-sha1", test_rule_known_hosts_sha1);
  g_test_add_func ("/Engine/Local/rules/server-down", test_rule_server_down);
  g_test_add_func ("/Engine/Local/rules/vpn", test_rule_vpn);
  g_test_add_func ("/Engine/Local/rules/proxy", test_rule_proxy);
  g_test_add_func ("/Engine/Local/rules/clock", test_rule_clock);
  g_test_add_func ("/Engine/Local/machine-state-shared", test_machine_state_shared);
  return g_test_run ();
}
