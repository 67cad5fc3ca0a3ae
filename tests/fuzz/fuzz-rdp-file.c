/* fuzz-rdp-file.c: a Remote Desktop connection file (.rdp) the user opens
 * (rd_rdp_file_parse), written back out and read again
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rd-rdp-file.h"
#include "rd-target.h"
#include "rd-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(RdRdpFile) file = rd_rdp_file_parse (bytes, &error);
  g_autoptr(RdTarget) target = NULL;
  g_autoptr(RdRdpFile) again = NULL;
  g_autoptr(GBytes) written = NULL;
  g_autofree char *text = NULL;
  g_autofree char *host = NULL;
  g_autofree char *gateway = NULL;
  g_auto(GStrv) keys = NULL;
  guint32 protocols;

  if (file == NULL)
    {
      g_assert_error (error, RD_RDP_FILE_ERROR, error->code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  keys = rd_rdp_file_dup_keys (file);
  for (guint i = 0; keys[i] != NULL; i++)
    g_assert_true (g_utf8_validate (keys[i], -1, NULL));
  host = rd_rdp_file_dup_host (file);
  gateway = rd_rdp_file_dup_gateway (file);
  (void) rd_rdp_file_get_port (file);
  (void) rd_rdp_file_get_username (file);
  (void) rd_rdp_file_get_client_protocols (file, &protocols);
  target = rd_rdp_file_get_target (file, &error);
  g_clear_error (&error);

  /* what we write, we read back */
  text = rd_rdp_file_to_text (file);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  written = rd_rdp_file_to_bytes (file, RD_RDP_FILE_ENCODING_UTF16LE);
  again = rd_rdp_file_parse (written, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  return 0;
}
