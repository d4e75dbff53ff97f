-- The catalog ships the fix for the Apex Central remote-code-execution flaw as a ready definition.
INSERT INTO patch (id, vendor, product, title, platform, fixed_version, released, applies_to)
VALUES ('apex-central-2019-cp-7190', 'Trend Micro', 'Apex Central 2019 (14.0)',
        'Apex Central 2019 Critical Patch Build 7190', 'On-premises, Windows Server', '14.0.7190',
        DATE '2026-01-07', 'app=apex-central');

INSERT INTO patch_advisory (patch_id, cve, cvss, summary)
VALUES ('apex-central-2019-cp-7190', 'CVE-2025-69258', 9.8,
        'Unauthenticated remote code execution as SYSTEM'),
       ('apex-central-2019-cp-7190', 'CVE-2025-69259', 7.5, 'Unauthenticated denial of service'),
       ('apex-central-2019-cp-7190', 'CVE-2025-69260', 7.5, 'Unauthenticated denial of service');
