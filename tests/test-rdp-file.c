/* test-rdp-file.c: .rdp files as clients write them, and as attackers might
 *
 * The fixtures are in tests/data/rdp/ (README.md there says how each was made).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gstdio.h>

#include "rd-core.h"
#include "rd-x224.h"

static RdRdpFile *
load_fixture (const char  *name,
              GError     **error)
{
  g_autofree char *path = g_build_filename (RD_TEST_DATA_DIR, "rdp", name, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return rd_rdp_file_load (file, NULL, error);
}

static void
assert_target (RdRdpFile  *rdp,
               const char *host,
               guint16     port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdTarget) target = rd_rdp_file_get_target (rdp, &error);

  g_assert_no_error (error);
  g_assert_nonnull (target);
  g_assert_cmpstr (rd_target_get_host (target), ==, host);
  g_assert_cmpuint (rd_target_get_port (target), ==, port);
}

/* What mstsc writes: UTF-16LE with a byte order mark, CRLF, every field. */
static void
test_mstsc_utf16 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = load_fixture ("mstsc-utf16le.rdp", &error);
  g_autofree char *gateway = NULL;
  g_autofree char *host = NULL;
  g_auto(GStrv) keys = NULL;
  guint32 protocols = 0;
  gint64 value = -1;

  g_assert_no_error (error);
  g_assert_nonnull (rdp);
  g_assert_cmpint (rd_rdp_file_get_encoding (rdp), ==, RD_RDP_FILE_ENCODING_UTF16LE);

  assert_target (rdp, "pc42.example.com", 3390);
  host = rd_rdp_file_dup_host (rdp);
  g_assert_cmpstr (host, ==, "pc42.example.com");
  g_assert_cmpuint (rd_rdp_file_get_port (rdp), ==, 3390);

  gateway = rd_rdp_file_dup_gateway (rdp);
  g_assert_cmpstr (gateway, ==, "rdgw.example.com");
  g_assert_true (rd_rdp_file_get_int (rdp, "gatewayusagemethod", &value));
  g_assert_cmpint (value, ==, 1);

  /* Non-ASCII survives the conversion. */
  g_assert_cmpstr (rd_rdp_file_get_username (rdp), ==, "EXAMPLE\\jürgen.ødegård");

  g_assert_true (rd_rdp_file_get_int (rdp, "authentication level", &value));
  g_assert_cmpint (value, ==, 2);
  g_assert_true (rd_rdp_file_get_int (rdp, "prompt for credentials", &value));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (rd_rdp_file_get_int (rdp, "negotiate security layer", &value));
  g_assert_cmpint (value, ==, 1);
  g_assert_true (rd_rdp_file_get_int (rdp, "enablecredsspsupport", &value));
  g_assert_cmpint (value, ==, 1);
  g_assert_true (rd_rdp_file_get_int (rdp, "desktopwidth", &value));
  g_assert_cmpint (value, ==, 1920);
  /* Keys are matched without regard to case. */
  g_assert_cmpstr (rd_rdp_file_get_string (rdp, "Full Address"), ==, "pc42.example.com:3390");
  /* Empty values are values. */
  g_assert_cmpstr (rd_rdp_file_get_string (rdp, "alternate shell"), ==, "");
  g_assert_null (rd_rdp_file_get_string (rdp, "no such key"));
  g_assert_false (rd_rdp_file_get_int (rdp, "full address", &value));

  /* NLA on and negotiation on: TLS, NLA and NLA with early authorization. */
  g_assert_true (rd_rdp_file_get_client_protocols (rdp, &protocols));
  g_assert_cmphex (protocols, ==, RD_PROTOCOL_SSL | RD_PROTOCOL_HYBRID | RD_PROTOCOL_HYBRID_EX);

  keys = rd_rdp_file_dup_keys (rdp);
  g_assert_cmpuint (g_strv_length (keys), ==, 49);
  g_assert_cmpstr (keys[0], ==, "screen mode id");
}

static void
test_ipv6_utf8_bom (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = load_fixture ("ipv6-utf8-bom.rdp", &error);
  g_autoptr(RdTarget) target = NULL;
  g_autofree char *gateway = NULL;
  guint32 protocols = 0;
  gint64 value = -1;

  g_assert_no_error (error);
  g_assert_cmpint (rd_rdp_file_get_encoding (rdp), ==, RD_RDP_FILE_ENCODING_UTF8);

  /* The port in "full address" wins over "server port". */
  target = rd_rdp_file_get_target (rdp, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rd_target_get_host (target), ==, "2001:db8::5");
  g_assert_cmpuint (rd_target_get_port (target), ==, 3391);
  g_assert_true (rd_target_is_ip_literal (target));

  g_assert_cmpstr (rd_rdp_file_get_username (rdp), ==, "admin@example.com");
  gateway = rd_rdp_file_dup_gateway (rdp);
  g_assert_null (gateway);

  g_assert_true (rd_rdp_file_get_int (rdp, "authentication level", &value));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (rd_rdp_file_get_int (rdp, "prompt for credentials", &value));
  g_assert_cmpint (value, ==, 1);

  /* NLA off, negotiation on: Standard RDP Security or TLS. */
  g_assert_true (rd_rdp_file_get_client_protocols (rdp, &protocols));
  g_assert_cmphex (protocols, ==, RD_PROTOCOL_RDP | RD_PROTOCOL_SSL);
}

static void
test_utf8_lf (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = load_fixture ("utf8-lf.rdp", &error);
  g_autofree char *gateway = NULL;
  g_autofree char *text = NULL;
  guint32 protocols = 0;

  g_assert_no_error (error);
  g_assert_cmpint (rd_rdp_file_get_encoding (rdp), ==, RD_RDP_FILE_ENCODING_UTF8);

  /* "server port" applies when the address names none. */
  assert_target (rdp, "10.0.0.5", 3392);

  /* gatewayusagemethod 0: the gateway is named but not used. */
  gateway = rd_rdp_file_dup_gateway (rdp);
  g_assert_null (gateway);

  /* No negotiation, no NLA: TLS alone. */
  g_assert_true (rd_rdp_file_get_client_protocols (rdp, &protocols));
  g_assert_cmphex (protocols, ==, RD_PROTOCOL_SSL);

  /* Lines that are not settings are kept for writing. */
  text = rd_rdp_file_to_text (rdp);
  g_assert_nonnull (strstr (text, "# a comment line\r\n"));
  g_assert_nonnull (strstr (text, "some junk line without type\r\n"));
}

static void
test_cp1252 (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = load_fixture ("cp1252.rdp", &error);
  g_autofree char *gateway = NULL;
  guint32 protocols = 0;

  g_assert_no_error (error);
  assert_target (rdp, "srv.example.com", 3389);
  g_assert_cmpstr (rd_rdp_file_get_username (rdp), ==, "Jürgen");

  /* gatewayusagemethod 2 ("detect"): used, with its port. */
  gateway = rd_rdp_file_dup_gateway (rdp);
  g_assert_cmpstr (gateway, ==, "gw.example.com:8443");

  /* Nothing said about security: what the client offers is not known. */
  g_assert_false (rd_rdp_file_get_client_protocols (rdp, &protocols));
}

static void
test_missing_fields (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = load_fixture ("no-address.rdp", &error);
  g_autoptr(RdTarget) target = NULL;
  g_autofree char *host = NULL;
  g_autofree char *gateway = NULL;

  /* A file without an address is a file; it just cannot be checked. */
  g_assert_no_error (error);
  target = rd_rdp_file_get_target (rdp, &error);
  g_assert_null (target);
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NO_ADDRESS);
  g_assert_nonnull (strstr (error->message, "full address"));

  host = rd_rdp_file_dup_host (rdp);
  g_assert_null (host);
  g_assert_cmpuint (rd_rdp_file_get_port (rdp), ==, 3389);
  gateway = rd_rdp_file_dup_gateway (rdp);
  g_assert_null (gateway);
  g_assert_cmpstr (rd_rdp_file_get_username (rdp), ==, "bob");
}

static void
test_hostile_values (void)
{
  struct {
    const char *fixture;
    int         code;
    const char *message_part;
  } cases[] = {
    /* the host goes through rd_target_parse and keeps its message */
    { "hostile-host.rdp", RD_RDP_FILE_ERROR_INVALID_ADDRESS, "cannot be checked" },
    { "bad-port.rdp", RD_RDP_FILE_ERROR_INVALID_ADDRESS, "cannot be checked" },
    { "bad-server-port.rdp", RD_RDP_FILE_ERROR_INVALID_ADDRESS, "server port" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RdRdpFile) rdp = load_fixture (cases[i].fixture, &error);
      g_autoptr(RdTarget) target = NULL;
      g_autoptr(GError) target_error = NULL;

      g_test_message ("%s", cases[i].fixture);
      g_assert_no_error (error);
      target = rd_rdp_file_get_target (rdp, &error);
      g_assert_null (target);
      g_assert_error (error, RD_RDP_FILE_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message_part));
    }

  /* The target's own message is part of the file's. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GError) parse_error = NULL;
    g_autoptr(RdRdpFile) rdp = load_fixture ("hostile-host.rdp", NULL);
    g_autoptr(RdTarget) target = rd_rdp_file_get_target (rdp, &error);
    g_autoptr(RdTarget) typed = rd_target_parse ("pc42.example.com;rm -rf ~", 3389, &parse_error);

    g_assert_null (target);
    g_assert_null (typed);
    g_assert_nonnull (strstr (error->message, parse_error->message));
  }

  /* A very long host inside a file of allowed size */
  {
    g_autoptr(GString) text = g_string_new ("full address:s:");
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(RdRdpFile) rdp = NULL;
    g_autoptr(RdTarget) target = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < 100000; i++)
      g_string_append (text, "a.");
    g_string_append (text, "\r\n");
    bytes = g_bytes_new (text->str, text->len);
    rdp = rd_rdp_file_parse (bytes, &error);
    g_assert_no_error (error);
    target = rd_rdp_file_get_target (rdp, &error);
    g_assert_null (target);
    g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_ADDRESS);
  }

  /* Control characters inside a value: not a text file. */
  {
    const char data[] = "full address:s:pc42\x1b[31m.example.com\r\n";
    g_autoptr(GBytes) bytes = g_bytes_new (data, sizeof data - 1);
    g_autoptr(GError) error = NULL;
    g_autoptr(RdRdpFile) rdp = rd_rdp_file_parse (bytes, &error);

    g_assert_null (rdp);
    g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NOT_TEXT);
  }

  /* Duplicated keys: the last one wins, as in the clients. */
  {
    const char data[] = "full address:s:first.example.com\r\nfull address:s:second.example.com\r\n";
    g_autoptr(GBytes) bytes = g_bytes_new (data, sizeof data - 1);
    g_autoptr(RdRdpFile) rdp = rd_rdp_file_parse (bytes, NULL);

    assert_target (rdp, "second.example.com", 3389);
  }
}

static void
test_junk (void)
{
  struct {
    const char *fixture;
    int         code;
  } cases[] = {
    { "binary-junk.rdp", RD_RDP_FILE_ERROR_NOT_TEXT },
    { "plain-text.rdp", RD_RDP_FILE_ERROR_NO_SETTINGS },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(RdRdpFile) rdp = load_fixture (cases[i].fixture, &error);

      g_test_message ("%s: %s", cases[i].fixture, error != NULL ? error->message : "(no error)");
      g_assert_null (rdp);
      g_assert_error (error, RD_RDP_FILE_ERROR, cases[i].code);
    }

  /* Odd byte counts, broken surrogates, NUL in UTF-8, empty input */
  {
    const struct { const char *data; gsize len; } inputs[] = {
      { "\xff\xfe" "f\0u\0l", 7 },
      { "\xff\xfe" "\x00\xd8" "a\0", 6 },
      { "full address:s:a\0b\r\n", 20 },
      { "", 0 },
      { "\xef\xbb\xbf", 3 },
      { "\xff\xfe", 2 },
    };

    for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
      {
        g_autoptr(GBytes) bytes = g_bytes_new (inputs[i].data, inputs[i].len);
        g_autoptr(GError) error = NULL;
        g_autoptr(RdRdpFile) rdp = rd_rdp_file_parse (bytes, &error);

        g_test_message ("input %u: %s", i, error != NULL ? error->message : "(no error)");
        g_assert_null (rdp);
        g_assert_error (error, RD_RDP_FILE_ERROR, (int) (i < 3 ? RD_RDP_FILE_ERROR_NOT_TEXT : RD_RDP_FILE_ERROR_NO_SETTINGS));
      }
  }
}

/* UTF-16 without a byte order mark, in both byte orders, with and without
 * the address: read when it can be, refused with a message when not. */
static void
test_utf16_without_bom (void)
{
  const char *texts[] = {
    "screen mode id:i:2\r\nfull address:s:pc42.example.com:3390\r\nusername:s:bob\r\n",
    "screen mode id:i:2\r\nusername:s:bob\r\n",
  };
  const char *charsets[] = { "UTF-16LE", "UTF-16BE" };

  for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
    for (guint c = 0; c < G_N_ELEMENTS (charsets); c++)
      {
        gsize length = 0;
        g_autofree char *converted = g_convert (texts[t], -1, charsets[c], "UTF-8", NULL, &length, NULL);
        g_autoptr(GBytes) bytes = g_bytes_new (converted, length);
        g_autoptr(GError) error = NULL;
        g_autoptr(RdRdpFile) rdp = rd_rdp_file_parse (bytes, &error);
        g_autoptr(RdTarget) target = NULL;

        g_test_message ("%s, %s", charsets[c], t == 0 ? "with an address" : "without one");
        if (rdp == NULL)
          {
            /* not recognised: a plain message, not a guess */
            g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NOT_TEXT);
            g_assert_true (g_utf8_validate (error->message, -1, NULL));
            continue;
          }
        g_assert_no_error (error);
        g_assert_cmpstr (rd_rdp_file_get_username (rdp), ==, "bob");
        target = rd_rdp_file_get_target (rdp, &error);
        if (t == 0)
          {
            g_assert_no_error (error);
            g_assert_cmpstr (rd_target_get_host (target), ==, "pc42.example.com");
            g_assert_cmpuint (rd_target_get_port (target), ==, 3390);
          }
        else
          {
            g_assert_null (target);
            g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NO_ADDRESS);
          }
      }
}

static void
test_too_large (void)
{
  g_autofree char *dir = g_dir_make_tmp ("rd-rdp-file-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "huge.rdp", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = NULL;

  /* 10 MB of plausible settings */
  while (text->len < 10 * 1000 * 1000)
    g_string_append (text, "full address:s:pc42.example.com\r\n");
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));

  rdp = rd_rdp_file_load (file, NULL, &error);
  g_assert_null (rdp);
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
  /* g_format_size() puts a no-break space before the unit */
  g_assert_nonnull (strstr (error->message, "(10.0\xc2\xa0MB)"));
  g_clear_error (&error);

  bytes = g_bytes_new_static (text->str, text->len);
  rdp = rd_rdp_file_parse (bytes, &error);
  g_assert_null (rdp);
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Exactly the limit is allowed. */
  g_string_truncate (text, 0);
  while (text->len + 34 <= RD_RDP_FILE_MAX_SIZE)
    g_string_append (text, "full address:s:pc42.example.com\r\n");
  g_string_append_len (text, "##########################################", RD_RDP_FILE_MAX_SIZE - text->len);
  g_assert_cmpuint (text->len, ==, RD_RDP_FILE_MAX_SIZE);
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = g_bytes_new_static (text->str, text->len);
  rdp = rd_rdp_file_parse (bytes, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rdp);
  g_clear_pointer (&rdp, rd_rdp_file_unref);

  /* A file without a size: read no more than the limit. */
  if (g_file_test ("/dev/zero", G_FILE_TEST_EXISTS))
    {
      g_autoptr(GFile) zero = g_file_new_for_path ("/dev/zero");

      rdp = rd_rdp_file_load (zero, NULL, &error);
      g_assert_null (rdp);
      g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_TOO_LARGE);
      g_clear_error (&error);
    }

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_missing_file (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent/rdp-doctor/none.rdp");
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = rd_rdp_file_load (file, NULL, &error);

  g_assert_null (rdp);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
loaded_cb (GObject      *source_object,
           GAsyncResult *result,
           gpointer      user_data)
{
  RdRdpFile **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = rd_rdp_file_load_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_load_async (void)
{
  g_autofree char *path = g_build_filename (RD_TEST_DATA_DIR, "rdp", "mstsc-utf16le.rdp", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(RdRdpFile) rdp = NULL;

  rd_rdp_file_load_async (file, NULL, loaded_cb, &rdp);
  while (rdp == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_target (rdp, "pc42.example.com", 3390);
}

/* The writer: a corrected file, read back by the parser. */
static void
test_write (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = load_fixture ("mstsc-utf16le.rdp", &error);
  g_autoptr(RdRdpFile) again = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GBytes) original = NULL;
  g_autofree char *path = g_build_filename (RD_TEST_DATA_DIR, "rdp", "mstsc-utf16le.rdp", NULL);
  g_autofree char *contents = NULL;
  gsize length;
  guint32 protocols;
  gint64 value;

  g_assert_no_error (error);

  /* Unchanged, the file is written back byte for byte. */
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  bytes = rd_rdp_file_to_bytes (rdp, RD_RDP_FILE_ENCODING_UTF16LE);
  original = g_bytes_new (contents, length);
  g_assert_true (g_bytes_equal (bytes, original));
  g_clear_pointer (&bytes, g_bytes_unref);

  /* What the "tls-required" fix writes */
  rd_rdp_file_set_int (rdp, "negotiate security layer", 1);
  rd_rdp_file_set_int (rdp, "enablecredsspsupport", 0);
  g_assert_true (rd_rdp_file_set_string (rdp, "full address", "192.0.2.10:3390", &error));
  g_assert_no_error (error);
  rd_rdp_file_set_int (rdp, "new key", 7);
  g_assert_true (rd_rdp_file_remove (rdp, "gatewayhostname"));
  g_assert_false (rd_rdp_file_remove (rdp, "gatewayhostname"));

  /* Line breaks would smuggle in settings: refused. */
  g_assert_false (rd_rdp_file_set_string (rdp, "username", "bob\r\nfull address:s:evil.example.com", &error));
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (rd_rdp_file_set_string (rdp, "user:name", "bob", &error));
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE);
  g_clear_error (&error);

  bytes = rd_rdp_file_to_bytes (rdp, RD_RDP_FILE_ENCODING_UTF16LE);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (bytes, NULL))[0], ==, 0xff);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (bytes, NULL))[1], ==, 0xfe);
  again = rd_rdp_file_parse (bytes, &error);
  g_assert_no_error (error);
  assert_target (again, "192.0.2.10", 3390);
  g_assert_cmpstr (rd_rdp_file_get_username (again), ==, "EXAMPLE\\jürgen.ødegård");
  g_assert_true (rd_rdp_file_get_int (again, "new key", &value));
  g_assert_cmpint (value, ==, 7);
  g_assert_null (rd_rdp_file_get_string (again, "gatewayhostname"));
  g_assert_true (rd_rdp_file_get_client_protocols (again, &protocols));
  g_assert_cmphex (protocols, ==, RD_PROTOCOL_RDP | RD_PROTOCOL_SSL);
  g_clear_pointer (&again, rd_rdp_file_unref);
  g_clear_pointer (&bytes, g_bytes_unref);

  /* UTF-8, and a file made from nothing */
  {
    g_autoptr(RdRdpFile) fresh = rd_rdp_file_new ();
    g_autofree char *text = NULL;

    g_assert_true (rd_rdp_file_set_string (fresh, "full address", "[2001:db8::5]:3390", NULL));
    rd_rdp_file_set_int (fresh, "enablecredsspsupport", 1);
    text = rd_rdp_file_to_text (fresh);
    g_assert_cmpstr (text, ==, "full address:s:[2001:db8::5]:3390\r\nenablecredsspsupport:i:1\r\n");
    bytes = rd_rdp_file_to_bytes (fresh, RD_RDP_FILE_ENCODING_UTF8);
    again = rd_rdp_file_parse (bytes, &error);
    g_assert_no_error (error);
    assert_target (again, "2001:db8::5", 3390);
  }
}

/* What the catalog's "write-rdp" actions write */
static void
test_apply_settings (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) rdp = load_fixture ("mstsc-utf16le.rdp", &error);
  g_autoptr(RdRdpFile) fresh = rd_rdp_file_new ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 value = 0;

  g_assert_no_error (error);

  g_assert_true (rd_rdp_file_apply_settings (rdp, "negotiate security layer:i:0;enablecredsspsupport:i:0", NULL, &error));
  g_assert_no_error (error);
  g_assert_true (rd_rdp_file_get_int (rdp, "negotiate security layer", &value));
  g_assert_cmpint (value, ==, 0);
  g_assert_true (rd_rdp_file_get_int (rdp, "enablecredsspsupport", &value));
  g_assert_cmpint (value, ==, 0);
  /* the rest of the file stays */
  g_assert_cmpstr (rd_rdp_file_get_username (rdp), ==, "EXAMPLE\\jürgen.ødegård");

  /* {address}: the address the name led to */
  g_assert_true (rd_rdp_file_apply_settings (fresh, "full address:s:{address}; ", "192.0.2.10:3390", &error));
  g_assert_no_error (error);
  assert_target (fresh, "192.0.2.10", 3390);
  g_assert_false (rd_rdp_file_apply_settings (fresh, "full address:s:{address}", NULL, &error));
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_NO_ADDRESS);
  g_clear_error (&error);

  /* all or nothing: a bad setting leaves the file as it was */
  before = rd_rdp_file_to_text (rdp);
  g_assert_false (rd_rdp_file_apply_settings (rdp, "enablecredsspsupport:i:1;bogus", NULL, &error));
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (rd_rdp_file_apply_settings (rdp, "enablecredsspsupport:i:yes", NULL, &error));
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  g_assert_false (rd_rdp_file_apply_settings (rdp, "enablecredsspsupport:i:1;full address:s:{address}",
                                              "evil\r\nusername:s:x", &error));
  g_assert_error (error, RD_RDP_FILE_ERROR, RD_RDP_FILE_ERROR_INVALID_VALUE);
  g_clear_error (&error);
  after = rd_rdp_file_to_text (rdp);
  g_assert_cmpstr (before, ==, after);
}

int
main (int   argc,
      char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/Rd/Engine/RdpFile/mstsc-utf16", test_mstsc_utf16);
  g_test_add_func ("/Rd/Engine/RdpFile/ipv6-utf8-bom", test_ipv6_utf8_bom);
  g_test_add_func ("/Rd/Engine/RdpFile/utf8-lf", test_utf8_lf);
  g_test_add_func ("/Rd/Engine/RdpFile/cp1252", test_cp1252);
  g_test_add_func ("/Rd/Engine/RdpFile/missing-fields", test_missing_fields);
  g_test_add_func ("/Rd/Engine/RdpFile/hostile-values", test_hostile_values);
  g_test_add_func ("/Rd/Engine/RdpFile/junk", test_junk);
  g_test_add_func ("/Rd/Engine/RdpFile/utf16-without-bom", test_utf16_without_bom);
  g_test_add_func ("/Rd/Engine/RdpFile/too-large", test_too_large);
  g_test_add_func ("/Rd/Engine/RdpFile/missing-file", test_missing_file);
  g_test_add_func ("/Rd/Engine/RdpFile/load-async", test_load_async);
  g_test_add_func ("/Rd/Engine/RdpFile/write", test_write);
  g_test_add_func ("/Rd/Engine/RdpFile/apply-settings", test_apply_settings);

  return g_test_run ();
}
