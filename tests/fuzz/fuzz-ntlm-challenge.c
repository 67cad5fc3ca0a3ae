/* fuzz-ntlm-challenge.c: the NTLM CHALLENGE_MESSAGE a server sends inside
 * CredSSP (rd_ntlm_decode_challenge)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rd-ntlm.h"
#include "rd-fuzz.h"

static void
assert_text (const char *text)
{
  g_assert_true (text == NULL || g_utf8_validate (text, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) encoded = NULL;
  g_auto(RdNtlmChallenge) challenge = { 0 };
  g_auto(RdNtlmChallenge) again = { 0 };
  const guint8 *bytes;
  gsize length;
  gboolean ok;

  ok = rd_ntlm_decode_challenge (data, size, &challenge, &error);
  rd_fuzz_assert_failed (ok, error, RD_PROTO_ERROR);
  if (!ok)
    {
      static const RdNtlmChallenge zero = { 0 };

      g_assert_cmpmem (&challenge, sizeof challenge, &zero, sizeof zero);
      return 0;
    }

  /* Everything the report shows is UTF-8. */
  assert_text (challenge.target_name);
  assert_text (challenge.nb_computer);
  assert_text (challenge.nb_domain);
  assert_text (challenge.dns_computer);
  assert_text (challenge.dns_domain);
  assert_text (challenge.dns_tree);
  g_assert_true (challenge.has_version == ((challenge.negotiate_flags & RD_NTLM_NEGOTIATE_VERSION) != 0));
  if (challenge.has_timestamp)
    (void) rd_ntlm_unix_us_to_filetime (rd_ntlm_filetime_to_unix_us (challenge.timestamp));

  /* The test server's encoder writes every name as UTF-16, so an OEM
   * TargetName would come back differently: leave it out of the round trip. */
  if ((challenge.negotiate_flags & RD_NTLM_NEGOTIATE_UNICODE) == 0 &&
      (challenge.negotiate_flags & RD_NTLM_NEGOTIATE_OEM) != 0)
    g_clear_pointer (&challenge.target_name, g_free);

  encoded = rd_ntlm_encode_challenge (&challenge);
  bytes = g_bytes_get_data (encoded, &length);
  g_assert_true (rd_ntlm_decode_challenge (bytes, length, &again, &error));
  g_assert_no_error (error);
  g_assert_cmphex (again.negotiate_flags, ==, challenge.negotiate_flags);
  g_assert_cmpmem (again.server_challenge, 8, challenge.server_challenge, 8);
  g_assert_cmpstr (again.target_name, ==, challenge.target_name);
  g_assert_cmpstr (again.nb_computer, ==, challenge.nb_computer);
  g_assert_cmpstr (again.nb_domain, ==, challenge.nb_domain);
  g_assert_cmpstr (again.dns_computer, ==, challenge.dns_computer);
  g_assert_cmpstr (again.dns_domain, ==, challenge.dns_domain);
  g_assert_cmpstr (again.dns_tree, ==, challenge.dns_tree);
  g_assert_cmpint (again.has_av_flags, ==, challenge.has_av_flags);
  g_assert_cmphex (again.av_flags, ==, challenge.av_flags);
  g_assert_cmpint (again.has_timestamp, ==, challenge.has_timestamp);
  g_assert_cmpuint (again.timestamp, ==, challenge.timestamp);
  g_assert_cmpint (again.has_version, ==, challenge.has_version);
  g_assert_cmpuint (again.version_major, ==, challenge.version_major);
  g_assert_cmpuint (again.version_minor, ==, challenge.version_minor);
  g_assert_cmpuint (again.version_build, ==, challenge.version_build);
  g_assert_cmpuint (again.ntlm_revision, ==, challenge.ntlm_revision);
  return 0;
}
