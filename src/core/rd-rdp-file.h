/* rd-rdp-file.h: Remote Desktop connection files (.rdp), read and written
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "rd-types.h"

G_BEGIN_DECLS

/* Larger files are refused unread: a real one is a few kilobytes. */
#define RD_RDP_FILE_MAX_SIZE (1024 * 1024)

#define RD_RDP_FILE_ERROR (rd_rdp_file_error_quark ())

/**
 * RdRdpFileError:
 * @RD_RDP_FILE_ERROR_TOO_LARGE: the file is larger than %RD_RDP_FILE_MAX_SIZE
 * @RD_RDP_FILE_ERROR_NOT_TEXT: binary data, or text in no encoding .rdp files use
 * @RD_RDP_FILE_ERROR_NO_SETTINGS: not one "key:type:value" line
 * @RD_RDP_FILE_ERROR_NO_ADDRESS: no "full address" line, or an empty one
 * @RD_RDP_FILE_ERROR_INVALID_ADDRESS: the address or port is refused; the message says why
 * @RD_RDP_FILE_ERROR_INVALID_VALUE: a value to write is not allowed in a .rdp file
 * @RD_RDP_FILE_ERROR_FAILED: the file could not be read
 *
 * Messages name the problem in plain words, for the wizard to show as they are.
 */
typedef enum
{
  RD_RDP_FILE_ERROR_TOO_LARGE,
  RD_RDP_FILE_ERROR_NOT_TEXT,
  RD_RDP_FILE_ERROR_NO_SETTINGS,
  RD_RDP_FILE_ERROR_NO_ADDRESS,
  RD_RDP_FILE_ERROR_INVALID_ADDRESS,
  RD_RDP_FILE_ERROR_INVALID_VALUE,
  RD_RDP_FILE_ERROR_FAILED,
} RdRdpFileError;

/**
 * RdRdpFileEncoding:
 * @RD_RDP_FILE_ENCODING_UTF16LE: UTF-16LE with a byte order mark and CRLF, as mstsc writes
 * @RD_RDP_FILE_ENCODING_UTF8: UTF-8 without a byte order mark, with CRLF
 */
typedef enum
{
  RD_RDP_FILE_ENCODING_UTF16LE,
  RD_RDP_FILE_ENCODING_UTF8,
} RdRdpFileEncoding;

typedef struct _RdRdpFile RdRdpFile;

#define RD_TYPE_RDP_FILE (rd_rdp_file_get_type ())

GType              rd_rdp_file_get_type         (void) G_GNUC_CONST;
GQuark             rd_rdp_file_error_quark      (void);

RdRdpFile         *rd_rdp_file_new              (void);
RdRdpFile         *rd_rdp_file_parse            (GBytes              *bytes,
                                                 GError             **error);
RdRdpFile         *rd_rdp_file_load             (GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void               rd_rdp_file_load_async       (GFile               *file,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
RdRdpFile         *rd_rdp_file_load_finish      (GAsyncResult        *result,
                                                 GError             **error);
RdRdpFile         *rd_rdp_file_ref              (RdRdpFile           *self);
void               rd_rdp_file_unref            (RdRdpFile           *self);

RdRdpFileEncoding  rd_rdp_file_get_encoding     (RdRdpFile           *self);
const char        *rd_rdp_file_get_string       (RdRdpFile           *self,
                                                 const char          *key);
gboolean           rd_rdp_file_get_int          (RdRdpFile           *self,
                                                 const char          *key,
                                                 gint64              *value);
gboolean           rd_rdp_file_set_string       (RdRdpFile           *self,
                                                 const char          *key,
                                                 const char          *value,
                                                 GError             **error);
void               rd_rdp_file_set_int          (RdRdpFile           *self,
                                                 const char          *key,
                                                 gint64               value);
gboolean           rd_rdp_file_remove           (RdRdpFile           *self,
                                                 const char          *key);
gboolean           rd_rdp_file_apply_settings   (RdRdpFile           *self,
                                                 const char          *settings,
                                                 const char          *address,
                                                 GError             **error);
GStrv              rd_rdp_file_dup_keys         (RdRdpFile           *self);

RdTarget          *rd_rdp_file_get_target       (RdRdpFile           *self,
                                                 GError             **error);
char              *rd_rdp_file_dup_host         (RdRdpFile           *self);
guint16            rd_rdp_file_get_port         (RdRdpFile           *self);
char              *rd_rdp_file_dup_gateway      (RdRdpFile           *self);
const char        *rd_rdp_file_get_username     (RdRdpFile           *self);
gboolean           rd_rdp_file_get_client_protocols (RdRdpFile       *self,
                                                 guint32             *protocols);

char              *rd_rdp_file_to_text          (RdRdpFile           *self);
GBytes            *rd_rdp_file_to_bytes         (RdRdpFile           *self,
                                                 RdRdpFileEncoding    encoding);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RdRdpFile, rd_rdp_file_unref)

G_END_DECLS
