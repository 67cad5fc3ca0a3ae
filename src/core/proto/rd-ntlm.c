/* rd-ntlm.c: NTLM NEGOTIATE and CHALLENGE messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-ntlm"

#include "config.h"

#include <string.h>

#include "rd-proto-reader.h"
#include "rd-ntlm.h"

/* MS-NLMP 2.2.1: every message starts with "NTLMSSP\0" and a 32-bit type */
static const guint8 ntlm_signature[8] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', '\0' };
#define NTLM_TYPE_NEGOTIATE 1
#define NTLM_TYPE_CHALLENGE 2

/* MS-NLMP 2.2.1.1: the NEGOTIATE_MESSAGE with a VERSION and no payload */
#define NEGOTIATE_LENGTH 40

/* MS-NLMP 2.2.1.2: the CHALLENGE_MESSAGE fixed part; the VERSION (2.2.2.10)
 * that follows it is there when NTLMSSP_NEGOTIATE_VERSION is set. */
#define CHALLENGE_FIXED_LENGTH   48
#define VERSION_LENGTH           8
#define CHALLENGE_PAYLOAD_OFFSET (CHALLENGE_FIXED_LENGTH + VERSION_LENGTH)

/* AV_PAIR AvId (MS-NLMP 2.2.2.1) */
#define MSV_AV_EOL              0x0000
#define MSV_AV_NB_COMPUTER_NAME 0x0001
#define MSV_AV_NB_DOMAIN_NAME   0x0002
#define MSV_AV_DNS_COMPUTER_NAME 0x0003
#define MSV_AV_DNS_DOMAIN_NAME  0x0004
#define MSV_AV_DNS_TREE_NAME    0x0005
#define MSV_AV_FLAGS            0x0006
#define MSV_AV_TIMESTAMP        0x0007

/* FILETIME (MS-DTYP 2.3.3): 100 ns ticks since 1601-01-01 UTC; the Unix epoch
 * is 11644473600 s later (nmap smbauth.lua uses the same constant). */
#define FILETIME_UNIX_EPOCH_US G_GINT64_CONSTANT (11644473600000000)

#define CHALLENGE_WHAT "NTLM CHALLENGE_MESSAGE"

/* Copies into an aligned gunichar2 array first: the payload may sit at any
 * offset, and g_utf16_to_utf8() reads whole gunichar2 values. */
static gboolean
utf16le_to_utf8 (const guint8  *bytes,
                 gsize          size,
                 const char    *field,
                 char         **out,
                 GError       **error)
{
  g_autofree gunichar2 *units = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize n_units = size / 2;

  if (size % 2 != 0)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: %s has an odd length (%" G_GSIZE_FORMAT " bytes) for UTF-16",
                   CHALLENGE_WHAT, field, size);
      return FALSE;
    }

  units = g_new (gunichar2, n_units + 1);
  for (gsize i = 0; i < n_units; i++)
    {
      units[i] = rd_proto_load_u16_le (bytes + 2 * i);
      /* Names are "not null-terminated" (2.2.2.1), and g_utf16_to_utf8()
       * would silently drop everything from a NUL on. */
      if (units[i] == 0)
        {
          g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                       "%s: %s contains a NUL character", CHALLENGE_WHAT, field);
          return FALSE;
        }
    }
  units[n_units] = 0;

  *out = g_utf16_to_utf8 (units, (glong) n_units, NULL, NULL, &local_error);
  if (*out == NULL)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: %s is not valid UTF-16: %s", CHALLENGE_WHAT, field, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_av_pairs (const guint8     *data,
               gsize             length,
               RdNtlmChallenge  *challenge,
               GError          **error)
{
  RdProtoReader reader;

  rd_proto_reader_init (&reader, CHALLENGE_WHAT " TargetInfo", data, length);

  /* Ends at MsvAvEOL; running out of bytes first is a truncated list. */
  for (;;)
    {
      guint16 av_id, av_len;
      const guint8 *value;
      char **slot = NULL;
      const char *field = NULL;

      if (!rd_proto_reader_read_u16_le (&reader, "AvId", &av_id, error) ||
          !rd_proto_reader_read_u16_le (&reader, "AvLen", &av_len, error) ||
          !rd_proto_reader_read_bytes (&reader, av_len, "AV_PAIR Value", &value, error))
        return FALSE;

      switch (av_id)
        {
        case MSV_AV_EOL:
          return TRUE;

        case MSV_AV_NB_COMPUTER_NAME:
          slot = &challenge->nb_computer;
          field = "MsvAvNbComputerName";
          break;

        case MSV_AV_NB_DOMAIN_NAME:
          slot = &challenge->nb_domain;
          field = "MsvAvNbDomainName";
          break;

        case MSV_AV_DNS_COMPUTER_NAME:
          slot = &challenge->dns_computer;
          field = "MsvAvDnsComputerName";
          break;

        case MSV_AV_DNS_DOMAIN_NAME:
          slot = &challenge->dns_domain;
          field = "MsvAvDnsDomainName";
          break;

        case MSV_AV_DNS_TREE_NAME:
          slot = &challenge->dns_tree;
          field = "MsvAvDnsTreeName";
          break;

        case MSV_AV_FLAGS:
          if (av_len != 4)
            {
              g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                           "%s: MsvAvFlags is %u bytes, not 4", reader.what, av_len);
              return FALSE;
            }
          challenge->has_av_flags = TRUE;
          challenge->av_flags = rd_proto_load_u32_le (value);
          break;

        case MSV_AV_TIMESTAMP:
          if (av_len != 8)
            {
              g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                           "%s: MsvAvTimestamp is %u bytes, not 8", reader.what, av_len);
              return FALSE;
            }
          challenge->has_timestamp = TRUE;
          challenge->timestamp = (guint64) rd_proto_load_u32_le (value) |
                                 ((guint64) rd_proto_load_u32_le (value + 4) << 32);
          break;

        default:
          /* MsvAvSingleHost, MsvAvTargetName, MsvAvChannelBindings and
           * anything newer tell us nothing about the host. */
          break;
        }

      /* The first of duplicate names wins; later ones are still checked. */
      if (slot != NULL)
        {
          g_autofree char *text = NULL;

          if (!utf16le_to_utf8 (value, av_len, field, &text, error))
            return FALSE;
          if (*slot == NULL)
            *slot = g_steal_pointer (&text);
        }
    }
}

gboolean
rd_ntlm_decode_challenge (const guint8     *data,
                          gsize             length,
                          RdNtlmChallenge  *challenge,
                          GError          **error)
{
  RdProtoReader reader;
  RdNtlmChallenge result = { 0 };
  guint32 message_type, name_offset, info_offset;
  guint16 name_len, name_max, info_len, info_max;
  const guint8 *bytes;

  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (challenge != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  memset (challenge, 0, sizeof *challenge);

  /* Compare what is there, so that a prefix of a real message reads as
   * truncated and anything else as invalid from the first byte on. */
  if (length > 0 && memcmp (data, ntlm_signature, MIN (length, sizeof ntlm_signature)) != 0)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: no NTLMSSP signature", CHALLENGE_WHAT);
      return FALSE;
    }

  rd_proto_reader_init (&reader, CHALLENGE_WHAT, data, length);
  if (!rd_proto_reader_skip (&reader, sizeof ntlm_signature, "Signature", error) ||
      !rd_proto_reader_read_u32_le (&reader, "MessageType", &message_type, error))
    return FALSE;

  if (message_type != NTLM_TYPE_CHALLENGE)
    {
      g_set_error (error, RD_PROTO_ERROR, RD_PROTO_ERROR_INVALID,
                   "%s: MessageType is %u, not %u", CHALLENGE_WHAT, message_type, NTLM_TYPE_CHALLENGE);
      return FALSE;
    }

  if (!rd_proto_reader_read_u16_le (&reader, "TargetNameLen", &name_len, error) ||
      !rd_proto_reader_read_u16_le (&reader, "TargetNameMaxLen", &name_max, error) ||
      !rd_proto_reader_read_u32_le (&reader, "TargetNameBufferOffset", &name_offset, error) ||
      !rd_proto_reader_read_u32_le (&reader, "NegotiateFlags", &result.negotiate_flags, error) ||
      !rd_proto_reader_read_bytes (&reader, sizeof result.server_challenge, "ServerChallenge",
                                   &bytes, error))
    return FALSE;
  memcpy (result.server_challenge, bytes, sizeof result.server_challenge);

  if (!rd_proto_reader_skip (&reader, 8, "Reserved", error) ||
      !rd_proto_reader_read_u16_le (&reader, "TargetInfoLen", &info_len, error) ||
      !rd_proto_reader_read_u16_le (&reader, "TargetInfoMaxLen", &info_max, error) ||
      !rd_proto_reader_read_u32_le (&reader, "TargetInfoBufferOffset", &info_offset, error))
    return FALSE;

  /* 2.2.1.2: Version is only meaningful with NTLMSSP_NEGOTIATE_VERSION. */
  if ((result.negotiate_flags & RD_NTLM_NEGOTIATE_VERSION) != 0)
    {
      if (!rd_proto_reader_read_u8 (&reader, "ProductMajorVersion", &result.version_major, error) ||
          !rd_proto_reader_read_u8 (&reader, "ProductMinorVersion", &result.version_minor, error) ||
          !rd_proto_reader_read_u16_le (&reader, "ProductBuild", &result.version_build, error) ||
          !rd_proto_reader_skip (&reader, 3, "Version Reserved", error) ||
          !rd_proto_reader_read_u8 (&reader, "NTLMRevisionCurrent", &result.ntlm_revision, error))
        return FALSE;
      result.has_version = TRUE;
    }

  /* Both payload fields are read whenever they are non-empty, whatever
   * REQUEST_TARGET and NEGOTIATE_TARGET_INFO say: some servers send them
   * without the flag, and what they say is the point of the probe. The
   * MaxLen fields MUST be ignored on receipt (2.2.1.2). */
  if (name_len > 0)
    {
      if (!rd_proto_get_range (data, length, name_offset, name_len, CHALLENGE_WHAT,
                               "TargetName", &bytes, error))
        goto fail;

      if ((result.negotiate_flags & RD_NTLM_NEGOTIATE_UNICODE) == 0 &&
          (result.negotiate_flags & RD_NTLM_NEGOTIATE_OEM) != 0)
        {
          /* An OEM code page we cannot know: keep what is ASCII. */
          result.target_name = g_utf8_make_valid ((const char *) bytes, name_len);
        }
      else if (!utf16le_to_utf8 (bytes, name_len, "TargetName", &result.target_name, error))
        {
          goto fail;
        }
    }

  if (info_len > 0)
    {
      if (!rd_proto_get_range (data, length, info_offset, info_len, CHALLENGE_WHAT,
                               "TargetInfo", &bytes, error) ||
          !read_av_pairs (bytes, info_len, &result, error))
        goto fail;
    }

  *challenge = result;
  return TRUE;

fail:
  rd_ntlm_challenge_clear (&result);
  return FALSE;
}

void
rd_ntlm_challenge_clear (RdNtlmChallenge *challenge)
{
  g_return_if_fail (challenge != NULL);

  g_clear_pointer (&challenge->target_name, g_free);
  g_clear_pointer (&challenge->nb_computer, g_free);
  g_clear_pointer (&challenge->nb_domain, g_free);
  g_clear_pointer (&challenge->dns_computer, g_free);
  g_clear_pointer (&challenge->dns_domain, g_free);
  g_clear_pointer (&challenge->dns_tree, g_free);
  memset (challenge, 0, sizeof *challenge);
}

static void
put_header (GByteArray *out,
            guint32     message_type)
{
  g_byte_array_append (out, ntlm_signature, sizeof ntlm_signature);
  rd_proto_put_u32_le (out, message_type);
}

/* 2.2.2.10 VERSION */
static void
put_version (GByteArray *out,
             guint8      major,
             guint8      minor,
             guint16     build,
             guint8      revision)
{
  rd_proto_put_u8 (out, major);
  rd_proto_put_u8 (out, minor);
  rd_proto_put_u16_le (out, build);
  rd_proto_put_u8 (out, 0);
  rd_proto_put_u8 (out, 0);
  rd_proto_put_u8 (out, 0);
  rd_proto_put_u8 (out, revision);
}

GBytes *
rd_ntlm_encode_negotiate (void)
{
  GByteArray *out = g_byte_array_sized_new (NEGOTIATE_LENGTH);

  put_header (out, NTLM_TYPE_NEGOTIATE);
  rd_proto_put_u32_le (out, RD_NTLM_CLIENT_NEGOTIATE_FLAGS);
  /* DomainNameFields and WorkstationFields: no names, all zero, as a Windows
   * client without OEM_*_SUPPLIED sends them (and nmap copies). */
  rd_proto_put_u64_le (out, 0);
  rd_proto_put_u64_le (out, 0);
  put_version (out, RD_NTLM_CLIENT_VERSION_MAJOR, RD_NTLM_CLIENT_VERSION_MINOR,
               RD_NTLM_CLIENT_VERSION_BUILD, RD_NTLM_REVISION_W2K3);

  g_assert (out->len == NEGOTIATE_LENGTH);
  return g_byte_array_free_to_bytes (out);
}

/* Appends @text as UTF-16LE; FALSE when it is not UTF-8. */
static gboolean
put_utf16le (GByteArray *out,
             const char *text)
{
  g_autofree gunichar2 *units = NULL;
  glong n_units = 0;

  units = g_utf8_to_utf16 (text, -1, NULL, &n_units, NULL);
  if (units == NULL)
    return FALSE;

  for (glong i = 0; i < n_units; i++)
    rd_proto_put_u16_le (out, units[i]);
  return TRUE;
}

static gboolean
put_av_string (GByteArray *out,
               guint16     av_id,
               const char *text)
{
  gsize start;

  if (text == NULL)
    return TRUE;

  rd_proto_put_u16_le (out, av_id);
  rd_proto_put_u16_le (out, 0);
  start = out->len;
  if (!put_utf16le (out, text) || out->len - start > G_MAXUINT16)
    return FALSE;
  rd_proto_set_u16_le_at (out, start - 2, (guint16) (out->len - start));
  return TRUE;
}

GBytes *
rd_ntlm_encode_challenge (const RdNtlmChallenge *challenge)
{
  g_autoptr(GByteArray) name = g_byte_array_new ();
  g_autoptr(GByteArray) info = g_byte_array_new ();
  GByteArray *out;
  guint32 flags;
  gboolean name_ok, info_ok, with_info;

  g_return_val_if_fail (challenge != NULL, NULL);

  name_ok = challenge->target_name == NULL || put_utf16le (name, challenge->target_name);
  g_return_val_if_fail (name_ok && name->len <= G_MAXUINT16, NULL);

  /* The order of a Windows server's TargetInfo (and of MS-NLMP 4.2.4.3). */
  info_ok = put_av_string (info, MSV_AV_NB_DOMAIN_NAME, challenge->nb_domain) &&
            put_av_string (info, MSV_AV_NB_COMPUTER_NAME, challenge->nb_computer) &&
            put_av_string (info, MSV_AV_DNS_DOMAIN_NAME, challenge->dns_domain) &&
            put_av_string (info, MSV_AV_DNS_COMPUTER_NAME, challenge->dns_computer) &&
            put_av_string (info, MSV_AV_DNS_TREE_NAME, challenge->dns_tree);
  g_return_val_if_fail (info_ok, NULL);
  if (challenge->has_av_flags)
    {
      rd_proto_put_u16_le (info, MSV_AV_FLAGS);
      rd_proto_put_u16_le (info, 4);
      rd_proto_put_u32_le (info, challenge->av_flags);
    }
  if (challenge->has_timestamp)
    {
      rd_proto_put_u16_le (info, MSV_AV_TIMESTAMP);
      rd_proto_put_u16_le (info, 8);
      rd_proto_put_u64_le (info, challenge->timestamp);
    }

  with_info = info->len > 0 || (challenge->negotiate_flags & RD_NTLM_NEGOTIATE_TARGET_INFO) != 0;
  if (with_info)
    {
      rd_proto_put_u16_le (info, MSV_AV_EOL);
      rd_proto_put_u16_le (info, 0);
    }
  g_return_val_if_fail (info->len <= G_MAXUINT16, NULL);

  flags = challenge->negotiate_flags;
  if (challenge->has_version)
    flags |= RD_NTLM_NEGOTIATE_VERSION;

  out = g_byte_array_sized_new (CHALLENGE_PAYLOAD_OFFSET + name->len + info->len);
  put_header (out, NTLM_TYPE_CHALLENGE);
  /* TargetNameFields: the offset is where the name is or would be (2.2.1.2). */
  rd_proto_put_u16_le (out, (guint16) name->len);
  rd_proto_put_u16_le (out, (guint16) name->len);
  rd_proto_put_u32_le (out, CHALLENGE_PAYLOAD_OFFSET);
  rd_proto_put_u32_le (out, flags);
  g_byte_array_append (out, challenge->server_challenge, sizeof challenge->server_challenge);
  rd_proto_put_u64_le (out, 0);
  rd_proto_put_u16_le (out, (guint16) info->len);
  rd_proto_put_u16_le (out, (guint16) info->len);
  rd_proto_put_u32_le (out, with_info ? CHALLENGE_PAYLOAD_OFFSET + name->len : 0);
  if (challenge->has_version)
    put_version (out, challenge->version_major, challenge->version_minor,
                 challenge->version_build, challenge->ntlm_revision);
  else
    rd_proto_put_u64_le (out, 0);

  g_byte_array_append (out, name->data, name->len);
  g_byte_array_append (out, info->data, info->len);
  return g_byte_array_free_to_bytes (out);
}

gint64
rd_ntlm_filetime_to_unix_us (guint64 filetime)
{
  /* G_MAXUINT64 / 10 fits in a gint64, so this cannot overflow. */
  return (gint64) (filetime / 10) - FILETIME_UNIX_EPOCH_US;
}

guint64
rd_ntlm_unix_us_to_filetime (gint64 unix_us)
{
  guint64 since_1601_us;

  /* Clamped: before 1601 is 0, beyond FILETIME's range is G_MAXUINT64. */
  if (unix_us <= -FILETIME_UNIX_EPOCH_US)
    return 0;

  since_1601_us = (guint64) unix_us + (guint64) FILETIME_UNIX_EPOCH_US;
  if (since_1601_us > G_MAXUINT64 / 10)
    return G_MAXUINT64;
  return since_1601_us * 10;
}
