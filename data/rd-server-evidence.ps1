# RDP Doctor: server evidence script (read-only)
#
# What it does: collects what cannot be seen from outside about this
# computer's Remote Desktop configuration, and prints ONE JSON document
# (schema "rdp-doctor-server-evidence/1") for RDP Doctor to read.
#
# It changes nothing: it only reads settings, the firewall rules, the
# certificate and its key's access list, event log counts and the session
# list. Every section tolerates what is missing: a section that cannot be
# read becomes null, and the reason goes into the "errors" list.
#
# How to run it, as an administrator, in Windows PowerShell 5.1:
#   powershell -NoProfile -ExecutionPolicy Bypass -File .\rd-server-evidence.ps1 > evidence.json
# then give evidence.json to whoever runs RDP Doctor (the UTF-16 file that
# PowerShell writes is fine). The output is plain ASCII: any other character
# is written as a \uXXXX escape, so no code page can damage it.
#
# Sources for the values read: rdp-facts.md 1.10 in the RDP Doctor project.
#
# SPDX-License-Identifier: GPL-3.0-or-later

[CmdletBinding()]
param()

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$Schema = 'rdp-doctor-server-evidence/1'
$Days = 7
$Since = (Get-Date).AddDays(-$Days)
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture

$TerminalServer = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server'
$RdpTcp = 'HKLM:\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp'
$PolicyKey = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
$CredSspKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters'

$script:Errors = [System.Collections.ArrayList]::new()
$script:Doc = [ordered]@{}

# A point in time as UTC ISO 8601; the invariant culture keeps ':' a colon.
function RdUtc($Time)
{
    if ($null -eq $Time) { return $null }
    return ([DateTime]$Time).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", $Invariant)
}

# One registry value, or $null when the key or the value does not exist.
function RdReg([string]$Path, [string]$Name)
{
    $item = Get-ItemProperty -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $item) { return $null }
    $property = $item.PSObject.Properties[$Name]
    if ($null -eq $property) { return $null }
    return $property.Value
}

# A REG_DWORD as the unsigned number it is: PowerShell reads 0xFFFFFFFF as -1.
function RdDword([string]$Path, [string]$Name)
{
    $value = RdReg $Path $Name
    if ($null -eq $value) { return $null }
    if ($value -is [int]) {
        if ($value -lt 0) { return [long]$value + 4294967296 }
        return [long]$value
    }
    if (($value -is [long]) -or ($value -is [uint32])) { return [long]$value }
    return $null
}

# Runs one section; a failure leaves the section null and is recorded.
function RdSection([string]$Name, [scriptblock]$Body)
{
    try {
        & $Body
    } catch {
        [void]$script:Errors.Add([ordered]@{ section = $Name; message = [string]$_.Exception.Message })
        if ($Name -notlike '*.*') { $script:Doc[$Name] = $null }
    }
}

# Events matching a filter, newest first; none found is an empty list.
function RdEvents([hashtable]$Filter)
{
    try {
        return @(Get-WinEvent -FilterHashtable $Filter -MaxEvents 1000 -ErrorAction Stop)
    } catch {
        if ($_.FullyQualifiedErrorId -like 'NoMatchingEventsFound*') { return @() }
        throw
    }
}

function RdEventSummary([array]$Events)
{
    $newest = $null
    if ($Events.Count -gt 0) { $newest = RdUtc $Events[0].TimeCreated }
    $ids = @($Events | ForEach-Object { [long]$_.Id } | Sort-Object -Unique)
    return [ordered]@{ count = [long]$Events.Count; newest = $newest; ids = $ids }
}

# The file that holds a certificate's private key: CSP keys under
# RSA\MachineKeys (by the container's unique name), CNG keys under Keys (by
# the key's unique name), and as a last resort Windows' own RDP key container
# TSSecKeySet1 (f686aace6942fb7f7ceb231212eef4a4_<MachineGuid>).
function RdKeyFile($Certificate)
{
    $machineKeys = Join-Path $env:ProgramData 'Microsoft\Crypto\RSA\MachineKeys'
    $cngKeys = Join-Path $env:ProgramData 'Microsoft\Crypto\Keys'

    $name = $null
    try {
        $key = $Certificate.PrivateKey
        if (($null -ne $key) -and ($null -ne $key.PSObject.Properties['CspKeyContainerInfo'])) {
            $name = $key.CspKeyContainerInfo.UniqueKeyContainerName
        }
    } catch { $name = $null }
    if ($name) {
        $path = Join-Path $machineKeys $name
        if (Test-Path -LiteralPath $path) { return @('csp', $path) }
    }

    $name = $null
    try {
        $rsa = [System.Security.Cryptography.X509Certificates.RSACertificateExtensions]::GetRSAPrivateKey($Certificate)
        if (($null -ne $rsa) -and ($null -ne $rsa.PSObject.Properties['Key'])) { $name = $rsa.Key.UniqueName }
    } catch { $name = $null }
    if ($name) {
        foreach ($folder in @($cngKeys, $machineKeys)) {
            $path = Join-Path $folder $name
            if (Test-Path -LiteralPath $path) { return @('cng', $path) }
        }
    }

    $guid = RdReg 'HKLM:\SOFTWARE\Microsoft\Cryptography' 'MachineGuid'
    if ($guid) {
        $path = Join-Path $machineKeys ('f686aace6942fb7f7ceb231212eef4a4_' + $guid)
        if (Test-Path -LiteralPath $path) { return @('tssec-keyset1', $path) }
    }
    return $null
}

# Whether NETWORK SERVICE (which TermService runs as) may read a key file.
# Its token also holds Everyone, Authenticated Users, Users and SERVICE, so
# an allow for any of them counts; a deny for any of them wins. The SIDs are
# compared, because the account names are translated on other languages.
function RdKeyAccess([string]$Path)
{
    $readers = @('S-1-5-20', 'S-1-1-0', 'S-1-5-11', 'S-1-5-32-545', 'S-1-5-6')
    $acl = Get-Acl -LiteralPath $Path
    $allowed = $false
    $denied = $false
    $entries = @()
    foreach ($rule in $acl.Access) {
        $sid = [string]$rule.IdentityReference
        try { $sid = $rule.IdentityReference.Translate([System.Security.Principal.SecurityIdentifier]).Value } catch { }
        $bits = [int]$rule.FileSystemRights
        # ReadData (1), GENERIC_ALL (0x10000000) or GENERIC_READ (0x80000000, negative as an int)
        $reads = (($bits -band 1) -ne 0) -or (($bits -band 0x10000000) -ne 0) -or ($bits -lt 0)
        if ($reads -and ($readers -contains $sid)) {
            if ([string]$rule.AccessControlType -eq 'Deny') { $denied = $true } else { $allowed = $true }
        }
        $entries += [ordered]@{
            sid = $sid
            name = [string]$rule.IdentityReference
            type = [string]$rule.AccessControlType
            rights = [string]$rule.FileSystemRights
        }
    }
    return @(($allowed -and (-not $denied)), $entries)
}

$identity = [System.Security.Principal.WindowsIdentity]::GetCurrent()
$isAdmin = ([System.Security.Principal.WindowsPrincipal]::new($identity)).IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
if (-not $isAdmin) {
    [Console]::Error.WriteLine('RDP Doctor: not running as an administrator; some sections will be empty. Run PowerShell as an administrator for the full picture.')
}

$script:Doc['schema'] = $Schema
$script:Doc['script_version'] = 1
$script:Doc['computer_name'] = [string]$env:COMPUTERNAME
$script:Doc['collected_at'] = RdUtc ([DateTime]::UtcNow)
$script:Doc['culture'] = [string](Get-UICulture).Name
$script:Doc['is_admin'] = [bool]$isAdmin

RdSection 'os' {
    $os = Get-CimInstance -ClassName Win32_OperatingSystem
    $script:Doc['os'] = [ordered]@{
        caption = [string]$os.Caption
        version = [string]$os.Version
        build = [string]$os.BuildNumber
        product_type = [long]$os.ProductType
    }
}

RdSection 'services' {
    $services = [ordered]@{}
    foreach ($name in @('TermService', 'UmRdpService', 'SessionEnv')) {
        $service = Get-Service -Name $name -ErrorAction SilentlyContinue
        if ($null -eq $service) { $services[$name] = $null; continue }
        $startType = [string]$service.StartType
        if (-not $startType) {
            $startType = [string](Get-CimInstance -ClassName Win32_Service -Filter ("Name='" + $name + "'")).StartMode
        }
        $services[$name] = [ordered]@{ status = [string]$service.Status; start_type = $startType }
    }
    $script:Doc['services'] = $services
}

RdSection 'terminal_server' {
    $script:Doc['terminal_server'] = [ordered]@{
        fDenyTSConnections = RdDword $TerminalServer 'fDenyTSConnections'
        MaxOutstandingConnections = RdDword $TerminalServer 'MaxOutstandingConnections'
    }
}

# Group Policy's copies win over the values above.
RdSection 'policy' {
    $servers = RdReg $PolicyKey 'LicenseServers'
    if ($null -ne $servers) { $servers = [string]$servers }
    $script:Doc['policy'] = [ordered]@{
        fDenyTSConnections = RdDword $PolicyKey 'fDenyTSConnections'
        UserAuthentication = RdDword $PolicyKey 'UserAuthentication'
        SecurityLayer = RdDword $PolicyKey 'SecurityLayer'
        MinEncryptionLevel = RdDword $PolicyKey 'MinEncryptionLevel'
        MaxInstanceCount = RdDword $PolicyKey 'MaxInstanceCount'
        LicensingMode = RdDword $PolicyKey 'LicensingMode'
        LicenseServers = $servers
    }
}

RdSection 'rdp_tcp' {
    $hash = RdReg $RdpTcp 'SSLCertificateSHA1Hash'
    if ($hash -is [byte[]]) {
        $hash = (($hash | ForEach-Object { $_.ToString('X2') }) -join '')
    } elseif ($null -ne $hash) {
        $hash = [string]$hash
    }
    $script:Doc['rdp_tcp'] = [ordered]@{
        PortNumber = RdDword $RdpTcp 'PortNumber'
        SecurityLayer = RdDword $RdpTcp 'SecurityLayer'
        UserAuthentication = RdDword $RdpTcp 'UserAuthentication'
        MinEncryptionLevel = RdDword $RdpTcp 'MinEncryptionLevel'
        MaxInstanceCount = RdDword $RdpTcp 'MaxInstanceCount'
        fEnableWinStation = RdDword $RdpTcp 'fEnableWinStation'
        SSLCertificateSHA1Hash = $hash
    }
}

RdSection 'listening' {
    $port = $null
    if ($null -ne $script:Doc['rdp_tcp']) { $port = $script:Doc['rdp_tcp']['PortNumber'] }
    if ($null -eq $port) { $port = 3389 }
    $script:Doc['listening_port'] = [long]$port
    $script:Doc['listening'] = @(Get-NetTCPConnection -State Listen -LocalPort $port -ErrorAction SilentlyContinue | ForEach-Object {
        [ordered]@{ address = [string]$_.LocalAddress; port = [long]$_.LocalPort; process_id = [long]$_.OwningProcess }
    })
}

# The active store holds what is in force, including Group Policy's rules.
RdSection 'firewall_profiles' {
    $script:Doc['firewall_profiles'] = @(Get-NetFirewallProfile -PolicyStore ActiveStore | ForEach-Object {
        [ordered]@{
            name = [string]$_.Name
            enabled = ([string]$_.Enabled -eq 'True')
            default_inbound_action = [string]$_.DefaultInboundAction
        }
    })
}

# The rule names are not translated; the display group is, so it is only a fallback.
RdSection 'firewall_rules' {
    $rules = @(Get-NetFirewallRule -PolicyStore ActiveStore -Name 'RemoteDesktop-*' -ErrorAction SilentlyContinue)
    $rules += @(Get-NetFirewallRule -PolicyStore ActiveStore -DisplayGroup 'Remote Desktop' -ErrorAction SilentlyContinue |
                Where-Object { $_.Name -notlike 'RemoteDesktop-*' })
    $script:Doc['firewall_rules'] = @($rules | ForEach-Object {
        $rule = $_
        $protocol = $null
        $ports = $null
        try {
            $filter = $rule | Get-NetFirewallPortFilter
            $protocol = [string]$filter.Protocol
            $ports = @($filter.LocalPort | ForEach-Object { [string]$_ })
        } catch { $ports = $null }
        [ordered]@{
            name = [string]$rule.Name
            display_name = [string]$rule.DisplayName
            enabled = ([string]$rule.Enabled -eq 'True')
            profiles = @(([string]$rule.Profile) -split ',\s*' | Where-Object { $_ })
            direction = [string]$rule.Direction
            action = [string]$rule.Action
            protocol = $protocol
            local_ports = $ports
        }
    })
}

RdSection 'network_profiles' {
    $script:Doc['network_profiles'] = @(Get-NetConnectionProfile | ForEach-Object {
        [ordered]@{
            interface = [string]$_.InterfaceAlias
            interface_index = [long]$_.InterfaceIndex
            name = [string]$_.Name
            category = [string]$_.NetworkCategory
        }
    })
}

RdSection 'certificate' {
    $thumbprint = $null
    $setting = Get-CimInstance -Namespace 'root/cimv2/TerminalServices' -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-Tcp'"
    if ($null -ne $setting) { $thumbprint = [string]$setting.SSLCertificateSHA1Hash }
    if ((-not $thumbprint) -and ($null -ne $script:Doc['rdp_tcp'])) { $thumbprint = $script:Doc['rdp_tcp']['SSLCertificateSHA1Hash'] }

    $certificate = $null
    $store = $null
    if ($thumbprint) {
        foreach ($name in @('Remote Desktop', 'My')) {
            $path = 'Cert:\LocalMachine\' + $name + '\' + $thumbprint
            if (Test-Path -LiteralPath $path) {
                $certificate = Get-Item -LiteralPath $path
                $store = $name
                break
            }
        }
    }

    $info = [ordered]@{
        thumbprint = $thumbprint
        found = ($null -ne $certificate)
        store = $store
        subject = $null
        not_after = $null
        has_private_key = $null
        key_source = $null
        key_file = $null
        network_service_can_read = $null
        key_acl = $null
    }
    if ($null -ne $certificate) {
        $info['subject'] = [string]$certificate.Subject
        $info['not_after'] = RdUtc $certificate.NotAfter
        $info['has_private_key'] = [bool]$certificate.HasPrivateKey
        $key = RdKeyFile $certificate
        if ($null -ne $key) {
            $info['key_source'] = $key[0]
            $info['key_file'] = $key[1]
            try {
                $access = RdKeyAccess $key[1]
                $info['network_service_can_read'] = [bool]$access[0]
                $info['key_acl'] = @($access[1])
            } catch {
                [void]$script:Errors.Add([ordered]@{ section = 'certificate.key_acl'; message = [string]$_.Exception.Message })
            }
        }
    }
    $script:Doc['certificate'] = $info
}

$script:Doc['events'] = [ordered]@{
    days = [long]$Days
    schannel_36870 = $null
    terminal_services = $null
    user_profile_errors = $null
}

# Schannel 36870: the TLS server credential's private key could not be used.
RdSection 'events.schannel_36870' {
    $events = @(RdEvents @{ LogName = 'System'; ProviderName = 'Schannel'; Id = 36870; StartTime = $Since })
    $script:Doc['events']['schannel_36870'] = RdEventSummary $events
}

# Errors and warnings (levels 1 to 3) of the Remote Desktop logs.
RdSection 'events.terminal_services' {
    $logs = @(
        'Microsoft-Windows-TerminalServices-LocalSessionManager/Operational',
        'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational',
        'Microsoft-Windows-RemoteDesktopServices-RdpCoreTS/Operational'
    )
    $summaries = @()
    foreach ($log in $logs) {
        try {
            $events = @(RdEvents @{ LogName = $log; Level = 1, 2, 3; StartTime = $Since })
            $summary = RdEventSummary $events
            $summary['log'] = $log
            $summaries += $summary
        } catch {
            [void]$script:Errors.Add([ordered]@{ section = 'events.terminal_services'; message = ($log + ': ' + [string]$_.Exception.Message) })
        }
    }
    $script:Doc['events']['terminal_services'] = $summaries
}

# User Profile Service: the profile could not be loaded (1511, 1515, 1502, 1508).
RdSection 'events.user_profile_errors' {
    $events = @(RdEvents @{ LogName = 'Application'; ProviderName = 'Microsoft-Windows-User Profiles Service'; Id = 1511, 1515, 1502, 1508; StartTime = $Since })
    $script:Doc['events']['user_profile_errors'] = RdEventSummary $events
}

# qwinsta's columns are fixed; its header is translated, so only its layout
# is used: the user name column starts where the second heading starts.
RdSection 'sessions' {
    $lines = @(& (Join-Path $env:SystemRoot 'System32\qwinsta.exe'))
    if ($lines.Count -eq 0) { throw ('qwinsta printed nothing (exit code ' + $LASTEXITCODE + ')') }
    $heading = [regex]::Match([string]$lines[0], '^\s*\S+\s+(?=\S)')
    $userColumn = 19
    if ($heading.Success) { $userColumn = $heading.Length }
    $sessions = @()
    foreach ($line in @($lines | Select-Object -Skip 1)) {
        $line = [string]$line
        $match = [regex]::Match($line, '^(.*?)\s+(\d+)\s+(\S+)')
        if (-not $match.Success) { continue }
        $head = $match.Groups[1].Value
        $sessionName = ''
        if ($head.Length -gt 1) { $sessionName = $head.Substring(1, [Math]::Min($head.Length, $userColumn) - 1).Trim() }
        $user = ''
        if ($head.Length -gt $userColumn) { $user = $head.Substring($userColumn).Trim() }
        $sessions += [ordered]@{
            session_name = $sessionName
            user = $user
            id = [long]$match.Groups[2].Value
            state = $match.Groups[3].Value
            current = (($line.Length -gt 0) -and ($line[0] -eq [char]0x3E))
        }
    }
    $script:Doc['sessions'] = $sessions
}

# TerminalServerMode 1 is a Remote Desktop Session Host; LicensingType 2 is
# per device, 4 per user, 5 not configured yet.
RdSection 'licensing' {
    $setting = Get-CimInstance -Namespace 'root/cimv2/TerminalServices' -ClassName Win32_TerminalServiceSetting
    $mode = $null
    $type = $null
    $name = $null
    if ($null -ne $setting) {
        $mode = [long]$setting.TerminalServerMode
        $type = [long]$setting.LicensingType
        $name = [string]$setting.LicensingName
    }
    $servers = @()
    $specified = RdReg 'HKLM:\SYSTEM\CurrentControlSet\Services\TermService\Parameters\LicenseServers' 'SpecifiedLicenseServers'
    if ($null -ne $specified) { $servers += @($specified | ForEach-Object { [string]$_ } | Where-Object { $_ }) }
    $policyServers = RdReg $PolicyKey 'LicenseServers'
    if ($null -ne $policyServers) { $servers += @(([string]$policyServers) -split '[,;]\s*' | Where-Object { $_ }) }
    $script:Doc['licensing'] = [ordered]@{
        terminal_server_mode = $mode
        licensing_type = $type
        licensing_name = $name
        policy_licensing_mode = RdDword $PolicyKey 'LicensingMode'
        license_servers = $servers
    }
}

# 0 Force Updated Clients, 1 Mitigated, 2 Vulnerable; absent is the default.
RdSection 'credssp' {
    $script:Doc['credssp'] = [ordered]@{ AllowEncryptionOracle = RdDword $CredSspKey 'AllowEncryptionOracle' }
}

$script:Doc['errors'] = @($script:Errors)

# ASCII only: everything above U+007E becomes a JSON \u escape.
$json = $script:Doc | ConvertTo-Json -Depth 6 -Compress
$ascii = [System.Text.StringBuilder]::new()
foreach ($character in $json.ToCharArray()) {
    if ([int]$character -gt 126) {
        [void]$ascii.AppendFormat($Invariant, '\u{0:x4}', [int]$character)
    } else {
        [void]$ascii.Append($character)
    }
}
Write-Output $ascii.ToString()
