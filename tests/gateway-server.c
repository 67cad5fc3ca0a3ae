/* gateway-server.c: rdp-doctor-test-gateway, an HTTPS server on loopback that
 * answers like an RD Gateway (or like a plain web server), for the CLI's
 * integration tests
 *
 *   rdp-doctor-test-gateway --cert FILE --key FILE [--mode gateway|web] [--port N]
 *
 * prints "LISTENING 127.0.0.1 PORT" once it accepts connections, as the
 * scripted RDP server does, and runs until killed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>

static void
request_cb (SoupServer        *server,
            SoupServerMessage *message,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  const char *mode = user_data;
  SoupMessageHeaders *response = soup_server_message_get_response_headers (message);
  static const char page[] = "<!DOCTYPE html><title>Welcome</title><p>It works.</p>";

  if (g_str_equal (mode, "web"))
    {
      soup_message_headers_replace (response, "Server", "nginx");
      soup_server_message_set_status (message, SOUP_STATUS_OK, NULL);
      soup_server_message_set_response (message, "text/html", SOUP_MEMORY_STATIC, page, strlen (page));
      return;
    }

  /* MS-TSGU 4.2.1: the OUT channel's first request is answered with 401 */
  soup_message_headers_replace (response, "Server", "Microsoft-HTTPAPI/2.0");
  if (g_str_equal (soup_server_message_get_method (message), "RDG_OUT_DATA") &&
      g_str_equal (path, "/remoteDesktopGateway/"))
    {
      soup_message_headers_append (response, "WWW-Authenticate", "Negotiate");
      soup_message_headers_append (response, "WWW-Authenticate", "NTLM");
      soup_server_message_set_status (message, SOUP_STATUS_UNAUTHORIZED, NULL);
    }
  else
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *mode = NULL;
  int port = 0;
  const GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_file, "PEM certificate", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, "PEM private key", "FILE" },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "gateway (default) or web", "MODE" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "port (default: any free one)", "N" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— an RD Gateway look-alike on loopback");
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GSList *uris;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || cert_file == NULL || key_file == NULL ||
      (mode != NULL && !g_str_equal (mode, "gateway") && !g_str_equal (mode, "web")) ||
      port < 0 || port > 65535)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error != NULL ? error->message : "--cert and --key are needed; --mode is gateway or web");
      return 2;
    }

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, &error);
  if (certificate == NULL)
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return 1;
    }

  server = soup_server_new ("tls-certificate", certificate, NULL);
  soup_server_add_handler (server, NULL, request_cb, mode != NULL ? mode : "gateway", NULL);
  if (!soup_server_listen_local (server, (guint) port, SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS, &error))
    {
      g_printerr ("%s: %s\n", g_get_prgname (), error->message);
      return 1;
    }

  uris = soup_server_get_uris (server);
  printf ("LISTENING 127.0.0.1 %d\n", g_uri_get_port (uris->data));
  fflush (stdout);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  loop = g_main_loop_new (NULL, FALSE);
  g_main_loop_run (loop);
  return 0;
}
