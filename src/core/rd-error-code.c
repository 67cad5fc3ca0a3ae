/* rd-error-code.c: what the code a Remote Desktop client showed means, from
 * documented tables only
 *
 * Sources (rdp-facts.md): §1.7 Microsoft's IMsTscAxEvents::OnDisconnected
 * discReason table and ExtendedDisconnectReasonCode; §1.8 FreeRDP's
 * include/freerdp/error.h (ERRCONNECT_* class 2, ERRINFO_* class 1). A code in
 * none of them is said to be undocumented: many web pages invent meanings for
 * 0x904 and 0x7, and RDP Doctor must not add to them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-error-code"

#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "rd-error-code.h"

typedef struct
{
  guint32      value;
  const char  *name;
  const char  *meaning;   /* N_() */
  RdCodePhase  phase;
} Entry;

/* Microsoft: IMsTscAxEvents::OnDisconnected discReason */
static const Entry disconnect_reasons[] = {
  { 0x0, "disconnectReasonNoInfo", N_("No information is available."), RD_CODE_PHASE_NONE },
  { 0x1, "disconnectReasonLocalNotError", N_("The client disconnected on purpose (not an error)."), RD_CODE_PHASE_NONE },
  { 0x2, "disconnectReasonRemoteByUser", N_("A user on the remote side ended the connection (not an error)."), RD_CODE_PHASE_SESSION },
  { 0x3, "disconnectReasonByServer", N_("The server ended the connection (not an error)."), RD_CODE_PHASE_SESSION },
  { 0x104, "disconnectReasonDNSLookupFailed", N_("The computer’s name could not be looked up."), RD_CODE_PHASE_DNS },
  { 0x106, "disconnectReasonOutOfMemory", N_("The client ran out of memory."), RD_CODE_PHASE_NONE },
  { 0x108, "disconnectReasonConnectionTimedOut", N_("The connection timed out."), RD_CODE_PHASE_TCP },
  { 0x204, "disconnectReasonSocketConnectFailed", N_("The network connection to the computer could not be opened."), RD_CODE_PHASE_TCP },
  { 0x206, "disconnectReasonOutOfMemory2", N_("The client ran out of memory."), RD_CODE_PHASE_NONE },
  { 0x208, "disconnectReasonHostNotFound", N_("The computer was not found."), RD_CODE_PHASE_DNS },
  { 0x304, "disconnectReasonWinsockSendFailed", N_("Sending data over the network failed."), RD_CODE_PHASE_TCP },
  { 0x306, "disconnectReasonOutOfMemory3", N_("The client ran out of memory."), RD_CODE_PHASE_NONE },
  { 0x308, "disconnectReasonInvalidIPAddr", N_("The IP address is not valid."), RD_CODE_PHASE_DNS },
  { 0x404, "disconnectReasonSocketRecvFailed", N_("Receiving data from the network failed."), RD_CODE_PHASE_TCP },
  { 0x406, "disconnectReasonInvalidSecurityData", N_("The security data is not valid."), RD_CODE_PHASE_SECURITY },
  { 0x408, "disconnectReasonInternalError", N_("An internal error occurred."), RD_CODE_PHASE_NONE },
  { 0x506, "disconnectReasonInvalidEncryption", N_("The encryption method is not valid."), RD_CODE_PHASE_SECURITY },
  { 0x508, "disconnectReasonDNSLookupFailed2", N_("The computer’s name could not be looked up."), RD_CODE_PHASE_DNS },
  { 0x604, "disconnectReasonGetHostByNameFailed", N_("The computer’s name could not be looked up."), RD_CODE_PHASE_DNS },
  { 0x606, "disconnectReasonInvalidServerSecurityInfo", N_("The server’s security data is not valid."), RD_CODE_PHASE_SECURITY },
  { 0x608, "disconnectReasonTimerError", N_("An internal timer error occurred."), RD_CODE_PHASE_NONE },
  { 0x704, "disconnectReasonTimeoutOccurred", N_("A time-out occurred."), RD_CODE_PHASE_TCP },
  { 0x706, "disconnectReasonServerCertificateUnpackErr", N_("The server’s certificate could not be unpacked."), RD_CODE_PHASE_SECURITY },
  { 0x804, "disconnectReasonInvalidIP", N_("The IP address is not valid."), RD_CODE_PHASE_DNS },
  { 0x807, "disconnectReasonSslErrLogonFailure", N_("The sign-in failed."), RD_CODE_PHASE_CREDENTIALS },
  { 0x808, "disconnectReasonLicensingFailed", N_("The licence negotiation failed."), RD_CODE_PHASE_LICENSING },
  { 0x904, "disconnectReasonAtClientWinsockFDCLOSE", N_("The connection was closed: the server closed the network connection."), RD_CODE_PHASE_SERVER },
  { 0x906, "disconnectReasonInternalSecurityError", N_("An internal security error occurred."), RD_CODE_PHASE_SECURITY },
  { 0x908, "disconnectReasonLicensingTimeout", N_("The licence negotiation timed out."), RD_CODE_PHASE_LICENSING },
  { 0xA06, "disconnectReasonInternalSecurityError2", N_("An internal security error occurred."), RD_CODE_PHASE_SECURITY },
  { 0xA07, "disconnectReasonSslErrNoSuchUser", N_("The user has no account on the computer."), RD_CODE_PHASE_CREDENTIALS },
  { 0xB06, "disconnectReasonEncryptionError", N_("An encryption error occurred."), RD_CODE_PHASE_SECURITY },
  { 0xB07, "disconnectReasonSslErrAccountDisabled", N_("The account is disabled."), RD_CODE_PHASE_CREDENTIALS },
  { 0xC06, "disconnectReasonDecryptionError", N_("A decryption error occurred."), RD_CODE_PHASE_SECURITY },
  { 0xC07, "disconnectReasonSslErrAccountRestriction", N_("An account restriction prevents this sign-in."), RD_CODE_PHASE_CREDENTIALS },
  { 0xC08, "disconnectReasonClientDecompressionError", N_("The client could not decompress the data."), RD_CODE_PHASE_NONE },
  { 0xD07, "disconnectReasonSslErrAccountLockedOut", N_("The account is locked out."), RD_CODE_PHASE_CREDENTIALS },
  { 0xE07, "disconnectReasonSslErrAccountExpired", N_("The account has expired."), RD_CODE_PHASE_CREDENTIALS },
  { 0xF07, "disconnectReasonSslErrPasswordExpired", N_("The password has expired."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1207, "disconnectReasonSslErrPasswordMustChange", N_("The password must be changed before signing in."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1607, "disconnectReasonSslErrDelegationPolicy", N_("A policy forbids sending your credentials to this server."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1707, "disconnectReasonSslErrPolicyNTLMOnly", N_("Credential delegation needs mutual authentication, but only NTLM was available."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1807, "disconnectReasonSslErrNoAuthenticatingAuthority", N_("No authority (domain controller) could be reached to check the sign-in, or a trust failed."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1B07, "disconnectReasonSslErrCertExpired", N_("The certificate received has expired."), RD_CODE_PHASE_SECURITY },
  { 0x1C07, "disconnectReasonSslErrSmartcardWrongPIN", N_("The smart card PIN is wrong."), RD_CODE_PHASE_CREDENTIALS },
  { 0x2107, "disconnectReasonSslErrFreshCredRequiredByServer", N_("The server does not accept saved credentials: type them again."), RD_CODE_PHASE_CREDENTIALS },
  { 0x2207, "disconnectReasonSslErrSmartcardCardBlocked", N_("The smart card is blocked."), RD_CODE_PHASE_CREDENTIALS },
};

/* Microsoft: ExtendedDisconnectReasonCode; 1–12 and 256–267 are also the
 * server's Set Error Info codes (ERRINFO_*) */
static const Entry extended_reasons[] = {
  { 0, "exDiscReasonNoInfo", N_("No further information."), RD_CODE_PHASE_NONE },
  { 1, "exDiscReasonAPIInitiatedDisconnect", N_("An application on the server disconnected the session."), RD_CODE_PHASE_SESSION },
  { 2, "exDiscReasonAPIInitiatedLogoff", N_("An application on the server signed the session out."), RD_CODE_PHASE_SESSION },
  { 3, "exDiscReasonServerIdleTimeout", N_("The session was idle for longer than the server allows."), RD_CODE_PHASE_SESSION },
  { 4, "exDiscReasonServerLogonTimeout", N_("The session lasted longer than the server allows."), RD_CODE_PHASE_SESSION },
  { 5, "exDiscReasonReplacedByOtherConnection", N_("Another connection took over the session."), RD_CODE_PHASE_SESSION },
  { 6, "exDiscReasonOutOfMemory", N_("The server ran out of memory."), RD_CODE_PHASE_SERVER },
  { 7, "exDiscReasonServerDeniedConnection", N_("The server denied the connection."), RD_CODE_PHASE_SERVER },
  { 8, "exDiscReasonServerDeniedConnectionFips", N_("The server denied the connection for security reasons (FIPS)."), RD_CODE_PHASE_SECURITY },
  { 9, "exDiscReasonServerInsufficientPrivileges", N_("The server denied the connection: the user lacks the privileges."), RD_CODE_PHASE_CREDENTIALS },
  { 10, "exDiscReasonServerFreshCredsRequired", N_("The server requires credentials typed in again, not saved ones."), RD_CODE_PHASE_CREDENTIALS },
  { 11, "exDiscReasonRpcInitiatedDisconnectByUser", N_("A user’s action on the server disconnected the session."), RD_CODE_PHASE_SESSION },
  { 12, "exDiscReasonLogoffByUser", N_("The user signed out."), RD_CODE_PHASE_SESSION },
  { 256, "exDiscReasonLicenseInternal", N_("Internal licensing error."), RD_CODE_PHASE_LICENSING },
  { 257, "exDiscReasonLicenseNoLicenseServer", N_("No Remote Desktop license server is available."), RD_CODE_PHASE_LICENSING },
  { 258, "exDiscReasonLicenseNoLicense", N_("No Remote Desktop licence is available for this computer."), RD_CODE_PHASE_LICENSING },
  { 259, "exDiscReasonLicenseErrClientMsg", N_("The server received a licensing message that is not valid."), RD_CODE_PHASE_LICENSING },
  { 260, "exDiscReasonLicenseHwidDoesntMatchLicense", N_("The stored licence was issued to other hardware."), RD_CODE_PHASE_LICENSING },
  { 261, "exDiscReasonLicenseErrClientLicense", N_("The client’s licence is not valid."), RD_CODE_PHASE_LICENSING },
  { 262, "exDiscReasonLicenseCantFinishProtocol", N_("A network problem stopped the licensing."), RD_CODE_PHASE_LICENSING },
  { 263, "exDiscReasonLicenseClientEndedProtocol", N_("The client ended the licensing."), RD_CODE_PHASE_LICENSING },
  { 264, "exDiscReasonLicenseErrClientEncryption", N_("A licensing message was encrypted wrongly."), RD_CODE_PHASE_LICENSING },
  { 265, "exDiscReasonLicenseCantUpgradeLicense", N_("The client access licence could not be upgraded or renewed."), RD_CODE_PHASE_LICENSING },
  { 266, "exDiscReasonLicenseNoRemoteConnections", N_("The server is not licensed to accept remote connections."), RD_CODE_PHASE_LICENSING },
  { 267, "exDiscReasonLicenseCreatingLicStoreAccDenied", N_("Access was denied while creating the licence store."), RD_CODE_PHASE_LICENSING },
  { 768, "exDiscReasonRdpEncInvalidCredentials", N_("The credentials are not valid."), RD_CODE_PHASE_CREDENTIALS },
};

/* FreeRDP ERRCONNECT_* (class 2) */
static const Entry freerdp_connect[] = {
  { 0x04, "ERRCONNECT_DNS_ERROR", N_("Looking up the computer’s name failed."), RD_CODE_PHASE_DNS },
  { 0x05, "ERRCONNECT_DNS_NAME_NOT_FOUND", N_("The computer’s name was not found."), RD_CODE_PHASE_DNS },
  { 0x06, "ERRCONNECT_CONNECT_FAILED", N_("The network connection could not be opened (refused or timed out)."), RD_CODE_PHASE_TCP },
  { 0x07, "ERRCONNECT_MCS_CONNECT_INITIAL_ERROR", N_("The connection failed at its first Remote Desktop step (MCS connect)."), RD_CODE_PHASE_SERVER },
  { 0x08, "ERRCONNECT_TLS_CONNECT_FAILED", N_("The secure (TLS) connection failed."), RD_CODE_PHASE_SECURITY },
  { 0x09, "ERRCONNECT_AUTHENTICATION_FAILED", N_("The sign-in failed."), RD_CODE_PHASE_CREDENTIALS },
  { 0x0A, "ERRCONNECT_INSUFFICIENT_PRIVILEGES", N_("The user lacks the privileges to connect."), RD_CODE_PHASE_CREDENTIALS },
  { 0x0C, "ERRCONNECT_SECURITY_NEGO_CONNECT_FAILED", N_("Client and server found no security protocol they both accept."), RD_CODE_PHASE_SECURITY },
  { 0x0D, "ERRCONNECT_CONNECT_TRANSPORT_FAILED", N_("The connection failed: the server dropped it (the closest match to 0x904)."), RD_CODE_PHASE_SERVER },
  { 0x0E, "ERRCONNECT_PASSWORD_EXPIRED", N_("The password has expired."), RD_CODE_PHASE_CREDENTIALS },
  { 0x0F, "ERRCONNECT_PASSWORD_CERTAINLY_EXPIRED", N_("The password has expired."), RD_CODE_PHASE_CREDENTIALS },
  { 0x10, "ERRCONNECT_CLIENT_REVOKED", N_("The client’s credentials were revoked (Kerberos)."), RD_CODE_PHASE_CREDENTIALS },
  { 0x11, "ERRCONNECT_KDC_UNREACHABLE", N_("The Kerberos server (domain controller) cannot be reached."), RD_CODE_PHASE_CREDENTIALS },
  { 0x12, "ERRCONNECT_ACCOUNT_DISABLED", N_("The account is disabled."), RD_CODE_PHASE_CREDENTIALS },
  { 0x13, "ERRCONNECT_PASSWORD_MUST_CHANGE", N_("The password must be changed before signing in."), RD_CODE_PHASE_CREDENTIALS },
  { 0x14, "ERRCONNECT_LOGON_FAILURE", N_("The user name or password is wrong."), RD_CODE_PHASE_CREDENTIALS },
  { 0x15, "ERRCONNECT_WRONG_PASSWORD", N_("The password is wrong."), RD_CODE_PHASE_CREDENTIALS },
  { 0x16, "ERRCONNECT_ACCESS_DENIED", N_("Access was denied."), RD_CODE_PHASE_CREDENTIALS },
  { 0x17, "ERRCONNECT_ACCOUNT_RESTRICTION", N_("An account restriction prevents this sign-in."), RD_CODE_PHASE_CREDENTIALS },
  { 0x18, "ERRCONNECT_ACCOUNT_LOCKED_OUT", N_("The account is locked out."), RD_CODE_PHASE_CREDENTIALS },
  { 0x19, "ERRCONNECT_ACCOUNT_EXPIRED", N_("The account has expired."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1A, "ERRCONNECT_LOGON_TYPE_NOT_GRANTED", N_("The user is not allowed to sign in through Remote Desktop Services."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1B, "ERRCONNECT_NO_OR_MISSING_CREDENTIALS", N_("No credentials were given."), RD_CODE_PHASE_CREDENTIALS },
  { 0x1C, "ERRCONNECT_ACTIVATION_TIMEOUT", N_("The session did not start in time."), RD_CODE_PHASE_SESSION },
  { 0x1D, "ERRCONNECT_TARGET_BOOTING", N_("The remote computer is still starting up."), RD_CODE_PHASE_SERVER },
  { 0x1E, "ERRCONNECT_HYBRID_REQUIRED_BY_SERVER", N_("The server requires Network Level Authentication, which the client did not use."), RD_CODE_PHASE_SECURITY },
};

/* FreeRDP ERRINFO_* (class 1): the server's Set Error Info PDU */
static const Entry freerdp_errinfo[] = {
  { 0x01, "ERRINFO_RPC_INITIATED_DISCONNECT", N_("An application on the server disconnected the session."), RD_CODE_PHASE_SESSION },
  { 0x02, "ERRINFO_RPC_INITIATED_LOGOFF", N_("An application on the server signed the session out."), RD_CODE_PHASE_SESSION },
  { 0x03, "ERRINFO_IDLE_TIMEOUT", N_("The session was idle for longer than the server allows."), RD_CODE_PHASE_SESSION },
  { 0x04, "ERRINFO_LOGON_TIMEOUT", N_("The session lasted longer than the server allows."), RD_CODE_PHASE_SESSION },
  { 0x05, "ERRINFO_DISCONNECTED_BY_OTHER_CONNECTION", N_("Another connection took over the session."), RD_CODE_PHASE_SESSION },
  { 0x06, "ERRINFO_OUT_OF_MEMORY", N_("The server ran out of memory."), RD_CODE_PHASE_SERVER },
  { 0x07, "ERRINFO_SERVER_DENIED_CONNECTION", N_("The server denied the connection."), RD_CODE_PHASE_SERVER },
  { 0x09, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES", N_("The server denied the connection: the user lacks the privileges."), RD_CODE_PHASE_CREDENTIALS },
  { 0x0A, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED", N_("The server requires credentials typed in again, not saved ones."), RD_CODE_PHASE_CREDENTIALS },
  { 0x17, "ERRINFO_SERVER_WINLOGON_CRASH", N_("The sign-in process on the server crashed."), RD_CODE_PHASE_SERVER },
  { 0x18, "ERRINFO_SERVER_CSRSS_CRASH", N_("A system process on the server crashed."), RD_CODE_PHASE_SERVER },
  { 0x100, "ERRINFO_LICENSE_INTERNAL", N_("Internal licensing error."), RD_CODE_PHASE_LICENSING },
  { 0x101, "ERRINFO_LICENSE_NO_LICENSE_SERVER", N_("No Remote Desktop license server is available."), RD_CODE_PHASE_LICENSING },
  { 0x102, "ERRINFO_LICENSE_NO_LICENSE", N_("No Remote Desktop licence is available for this computer."), RD_CODE_PHASE_LICENSING },
  { 0x103, "ERRINFO_LICENSE_BAD_CLIENT_MSG", N_("The server received a licensing message that is not valid."), RD_CODE_PHASE_LICENSING },
  { 0x104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE", N_("The stored licence was issued to other hardware."), RD_CODE_PHASE_LICENSING },
  { 0x105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE", N_("The client’s licence is not valid."), RD_CODE_PHASE_LICENSING },
  { 0x106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL", N_("A network problem stopped the licensing."), RD_CODE_PHASE_LICENSING },
  { 0x107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL", N_("The client ended the licensing."), RD_CODE_PHASE_LICENSING },
  { 0x108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION", N_("A licensing message was encrypted wrongly."), RD_CODE_PHASE_LICENSING },
  { 0x109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE", N_("The client access licence could not be upgraded or renewed."), RD_CODE_PHASE_LICENSING },
  { 0x10A, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS", N_("The server is not licensed to accept remote connections."), RD_CODE_PHASE_LICENSING },
};

#define FREERDP_CLASS_ERRINFO 1
#define FREERDP_CLASS_CONNECT 2

struct _RdErrorCode
{
  grefcount  ref_count;
  char      *input;
  GArray    *codes;  /* RdDecodedCode */
};

G_DEFINE_BOXED_TYPE (RdErrorCode, rd_error_code, rd_error_code_ref, rd_error_code_unref)

static const Entry *
find_value (const Entry *table,
            gsize        n,
            guint32      value)
{
  for (gsize i = 0; i < n; i++)
    if (table[i].value == value)
      return &table[i];
  return NULL;
}

static const Entry *
find_name (const Entry *table,
           gsize        n,
           const char  *name)
{
  for (gsize i = 0; i < n; i++)
    if (g_ascii_strcasecmp (table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

static void
add_entry (RdErrorCode *self,
           RdCodeKind   kind,
           guint32      value,
           const Entry *entry)
{
  RdDecodedCode code = { kind, value, NULL, NULL, entry != NULL, RD_CODE_PHASE_NONE };

  if (entry != NULL)
    {
      code.name = entry->name;
      code.meaning = g_strdup (g_dgettext (GETTEXT_PACKAGE, entry->meaning));
      code.phase = entry->phase;
    }
  else
    {
      code.meaning = g_strdup_printf (_("Code 0x%X is not in any of the documented tables. RDP Doctor does not guess what it means."),
                                      value);
    }
  g_array_append_val (self->codes, code);
}

static void
clear_code (gpointer data)
{
  g_free (((RdDecodedCode *) data)->meaning);
}

/* A FreeRDP code carries its class in the upper 16 bits. */
static gboolean
add_freerdp_value (RdErrorCode *self,
                   guint32      value)
{
  guint32 class = value >> 16, code = value & 0xFFFF;

  if (class == FREERDP_CLASS_CONNECT)
    add_entry (self, RD_CODE_KIND_FREERDP_CONNECT, value,
               find_value (freerdp_connect, G_N_ELEMENTS (freerdp_connect), code));
  else if (class == FREERDP_CLASS_ERRINFO)
    add_entry (self, RD_CODE_KIND_FREERDP_ERRINFO, value,
               find_value (freerdp_errinfo, G_N_ELEMENTS (freerdp_errinfo), code));
  else
    return FALSE;
  return TRUE;
}

static gboolean
add_name (RdErrorCode *self,
          const char  *name)
{
  const Entry *entry;

  if ((entry = find_name (freerdp_connect, G_N_ELEMENTS (freerdp_connect), name)) != NULL)
    add_entry (self, RD_CODE_KIND_FREERDP_CONNECT, (FREERDP_CLASS_CONNECT << 16) | entry->value, entry);
  else if ((entry = find_name (freerdp_errinfo, G_N_ELEMENTS (freerdp_errinfo), name)) != NULL)
    add_entry (self, RD_CODE_KIND_FREERDP_ERRINFO, (FREERDP_CLASS_ERRINFO << 16) | entry->value, entry);
  else if ((entry = find_name (disconnect_reasons, G_N_ELEMENTS (disconnect_reasons), name)) != NULL)
    add_entry (self, RD_CODE_KIND_DISCONNECT_REASON, entry->value, entry);
  else if ((entry = find_name (extended_reasons, G_N_ELEMENTS (extended_reasons), name)) != NULL)
    add_entry (self, RD_CODE_KIND_EXTENDED_REASON, entry->value, entry);
  else
    return FALSE;
  return TRUE;
}

typedef struct
{
  guint64  value;
  gboolean extended_label;  /* "extended" came right before it */
} Number;

/* Numbers and names, as people paste them: "0x904", "2308", "0x904 / 0x7",
 * "error code 0x904, extended error code 0x7", "[0x0002000D]",
 * "ERRCONNECT_CONNECT_TRANSPORT_FAILED [0x0002000D]". */
static void
scan (const char *text,
      GArray     *numbers,
      GPtrArray  *names)
{
  const char *p = text;
  const char *last_extended = NULL;

  while (*p)
    {
      if (g_ascii_isalpha (*p) || *p == '_')
        {
          const char *start = p;
          g_autofree char *word = NULL;

          while (g_ascii_isalnum (*p) || *p == '_')
            p++;
          word = g_strndup (start, p - start);
          if (g_ascii_strncasecmp (word, "extended", 8) == 0 || g_ascii_strcasecmp (word, "ext") == 0)
            last_extended = p;
          else if (strchr (word, '_') != NULL || g_str_has_prefix (word, "disconnectReason") ||
                   g_str_has_prefix (word, "exDiscReason"))
            g_ptr_array_add (names, g_steal_pointer (&word));
          continue;
        }
      if (g_ascii_isdigit (*p))
        {
          gboolean hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && g_ascii_isxdigit (p[2]);
          char *end = NULL;
          Number number = { 0, FALSE };

          errno = 0;
          number.value = g_ascii_strtoull (hex ? p + 2 : p, &end, hex ? 16 : 10);
          if (errno == 0 && end != NULL && !g_ascii_isalnum (*end))
            {
              /* "extended error code 0x7": the label is a few words before */
              number.extended_label = last_extended != NULL && p - last_extended < 24;
              if (number.value <= G_MAXUINT32)
                g_array_append_val (numbers, number);
            }
          p = end != NULL && end > p ? end : p + 1;
          while (g_ascii_isalnum (*p))
            p++;
          continue;
        }
      p++;
    }
}

/**
 * rd_error_code_parse:
 * @text: what the user typed or pasted
 *
 * Returns: (transfer full): the decoded codes, or %NULL with a
 *   %G_IO_ERROR_INVALID_ARGUMENT whose message says what was expected
 */
RdErrorCode *
rd_error_code_parse (const char  *text,
                     GError     **error)
{
  g_autoptr(GArray) numbers = g_array_new (FALSE, FALSE, sizeof (Number));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(RdErrorCode) self = NULL;
  gboolean have_disconnect = FALSE;

  if (text == NULL || !g_utf8_validate (text, -1, NULL) || strlen (text) > 4096)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           _("Type the error code as the message showed it, such as 0x904 or 0x904 / 0x7."));
      return NULL;
    }

  self = g_new0 (RdErrorCode, 1);
  g_ref_count_init (&self->ref_count);
  self->input = g_strstrip (g_strdup (text));
  self->codes = g_array_new (FALSE, TRUE, sizeof (RdDecodedCode));
  g_array_set_clear_func (self->codes, clear_code);

  scan (self->input, numbers, names);

  for (guint i = 0; i < names->len; i++)
    add_name (self, g_ptr_array_index (names, i));

  for (guint i = 0; i < numbers->len; i++)
    {
      Number *number = &g_array_index (numbers, Number, i);
      guint32 value = (guint32) number->value;
      const Entry *disconnect = find_value (disconnect_reasons, G_N_ELEMENTS (disconnect_reasons), value);
      const Entry *extended = find_value (extended_reasons, G_N_ELEMENTS (extended_reasons), value);
      gboolean duplicate = FALSE;

      /* a name and its number often come together: "NAME [0x0002000D]" */
      for (guint c = 0; c < self->codes->len; c++)
        if (g_array_index (self->codes, RdDecodedCode, c).value == value &&
            (value >> 16) != 0)
          duplicate = TRUE;
      if (duplicate)
        continue;

      if ((value >> 16) != 0 && add_freerdp_value (self, value))
        continue;

      /* mstsc shows a pair: the disconnect reason, then the extended code */
      if (number->extended_label || (have_disconnect && !number->extended_label))
        add_entry (self, RD_CODE_KIND_EXTENDED_REASON, value, extended);
      else if (disconnect != NULL || extended == NULL)
        {
          add_entry (self, RD_CODE_KIND_DISCONNECT_REASON, value, disconnect);
          have_disconnect = TRUE;
        }
      else
        add_entry (self, RD_CODE_KIND_EXTENDED_REASON, value, extended);
    }

  if (self->codes->len == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” contains no error code. Type it as the message showed it, such as 0x904 or 0x904 / 0x7."),
                   self->input);
      return NULL;
    }
  return g_steal_pointer (&self);
}

RdErrorCode *
rd_error_code_ref (RdErrorCode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_ref_count_inc (&self->ref_count);
  return self;
}

void
rd_error_code_unref (RdErrorCode *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_free (self->input);
      g_array_unref (self->codes);
      g_free (self);
    }
}

const char *
rd_error_code_get_input (RdErrorCode *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->input;
}

guint
rd_error_code_get_n_codes (RdErrorCode *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->codes->len;
}

const RdDecodedCode *
rd_error_code_get_code (RdErrorCode *self,
                        guint        index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->codes->len, NULL);
  return &g_array_index (self->codes, RdDecodedCode, index);
}

static const char *
kind_label (RdCodeKind kind)
{
  switch (kind)
    {
    case RD_CODE_KIND_DISCONNECT_REASON: return _("Error code");
    case RD_CODE_KIND_EXTENDED_REASON:   return _("Extended error code");
    case RD_CODE_KIND_FREERDP_CONNECT:   return _("FreeRDP connection error");
    case RD_CODE_KIND_FREERDP_ERRINFO:   return _("Error sent by the server");
    default:                             return _("Code");
    }
}

/**
 * rd_error_code_describe:
 *
 * Returns: (transfer full): one line per code, for people
 */
char *
rd_error_code_describe (RdErrorCode *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->codes->len; i++)
    {
      const RdDecodedCode *code = &g_array_index (self->codes, RdDecodedCode, i);

      if (i > 0)
        g_string_append_c (text, '\n');
      /* Translators: "Error code 0x904: The connection was closed…" */
      g_string_append_printf (text, _("%s 0x%X: %s"), kind_label (code->kind), code->value, code->meaning);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * rd_error_code_points_at:
 *
 * Returns: whether a documented code points at @phase
 */
gboolean
rd_error_code_points_at (RdErrorCode *self,
                         RdCodePhase  phase)
{
  g_return_val_if_fail (self != NULL, FALSE);

  for (guint i = 0; i < self->codes->len; i++)
    {
      const RdDecodedCode *code = &g_array_index (self->codes, RdDecodedCode, i);
      if (code->documented && code->phase == phase)
        return TRUE;
    }
  return FALSE;
}

static const char * const kind_keys[] = {
  "disconnect_reason", "extended_reason", "freerdp_connect", "freerdp_errinfo",
};

static const char * const phase_keys[] = {
  "none", "dns", "tcp", "security", "credentials", "server", "licensing", "session", "gateway",
};

/**
 * rd_error_code_to_json:
 *
 * Returns: (transfer full): `{ "input", "codes": [{ "kind", "value", "hex", "name", "documented", "meaning", "phase" }] }`
 */
JsonNode *
rd_error_code_to_json (RdErrorCode *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "input");
  json_builder_add_string_value (builder, self->input);
  json_builder_set_member_name (builder, "codes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->codes->len; i++)
    {
      const RdDecodedCode *code = &g_array_index (self->codes, RdDecodedCode, i);
      g_autofree char *hex = g_strdup_printf ("0x%X", code->value);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, kind_keys[code->kind]);
      json_builder_set_member_name (builder, "value");
      json_builder_add_int_value (builder, code->value);
      json_builder_set_member_name (builder, "hex");
      json_builder_add_string_value (builder, hex);
      json_builder_set_member_name (builder, "name");
      if (code->name != NULL)
        json_builder_add_string_value (builder, code->name);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "documented");
      json_builder_add_boolean_value (builder, code->documented);
      json_builder_set_member_name (builder, "meaning");
      json_builder_add_string_value (builder, code->meaning);
      json_builder_set_member_name (builder, "phase");
      json_builder_add_string_value (builder, phase_keys[code->phase]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
