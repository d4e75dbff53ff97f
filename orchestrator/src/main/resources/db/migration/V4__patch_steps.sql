-- How each kind of connector installs, verifies and rolls back a patch. Templates use {{variables}};
-- exit_codes maps installer exit codes to causes as JSON, on top of the Windows Installer defaults.
CREATE TABLE patch_steps (
    patch_id       VARCHAR(64)   NOT NULL REFERENCES patch (id),
    connector_type VARCHAR(50)   NOT NULL,
    install        VARCHAR(2000) NOT NULL,
    verify         VARCHAR(2000),
    rollback       VARCHAR(2000),
    exit_codes     VARCHAR(2000) NOT NULL,
    PRIMARY KEY (patch_id, connector_type)
);

-- Apex Central on Windows hosts running OpenSSH with PowerShell as the default shell. The critical patch
-- is an MSI patch package staged under C:\ProgramData\Patchwave; the build number is read from the
-- product's registry entry.
INSERT INTO patch_steps (patch_id, connector_type, install, verify, rollback, exit_codes)
VALUES ('apex-central-2019-cp-7190', 'ssh',
        '$p = Start-Process msiexec.exe -ArgumentList ''/update'',''C:\ProgramData\Patchwave\{{patch.id}}.msp'',''/qn'',''/norestart'' -Wait -PassThru; exit $p.ExitCode',
        '(Get-ItemProperty ''HKLM:\SOFTWARE\WOW6432Node\TrendMicro\Control Manager'').Version',
        '$p = Start-Process msiexec.exe -ArgumentList ''/uninstall'',''C:\ProgramData\Patchwave\{{patch.id}}.msp'',''/qn'',''/norestart'' -Wait -PassThru; exit $p.ExitCode',
        '{}');
