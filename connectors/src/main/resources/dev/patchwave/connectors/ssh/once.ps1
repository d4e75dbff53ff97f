# The PowerShell form of once.sh: runs a step at most once per idempotency key on this host
# and answers its outcome. The caller sets $mode (run, status, detached), $name, $wait, $step
# (a whole command line), $verify, $ok (success exit codes), $tail, $owner and $body (this
# script's text, for the detached copy). Claims and results are written to a temporary file
# and moved into place; File.Move never replaces, so only one exec wins the claim.
$ErrorActionPreference = 'Stop'
$base = Join-Path $env:ProgramData 'Patchwave'
$m = Join-Path $base $name
function Boot { (Get-CimInstance Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o') }
function Alive($p) {
  $proc = Get-CimInstance Win32_Process -Filter "ProcessId = $p" -ErrorAction SilentlyContinue
  return ($null -ne $proc) -and ($proc.CommandLine -like "*$name*")
}
function Put($path, $text) {
  Set-Content -LiteralPath "$path.$PID" -Value $text -Encoding ASCII
  Move-Item -LiteralPath "$path.$PID" -Destination $path -Force
}
function RunTo($command, $out) {
  cmd.exe /c "$command > `"$out`" 2>&1 < NUL"
  return $LASTEXITCODE
}
function Finish {
  $c = [int](Get-Content -LiteralPath "$m.exit" -TotalCount 1)
  $v = '-'
  if (($ok -contains $c) -and $verify) {
    $v = RunTo $verify "$m.verify.$PID"
    Move-Item -LiteralPath "$m.verify.$PID" -Destination "$m.verify" -Force
  }
  Put "$m.result" "exit=$c verify=$v"
}
function State {
  if (Test-Path -LiteralPath "$m.result") { return 'finished' }
  if (-not (Test-Path -LiteralPath "$m.pid")) { return 'none' }
  $p, $b, $o = (Get-Content -LiteralPath "$m.pid" -TotalCount 1) -split ' '
  if (($b -eq (Boot)) -and (Alive $p)) { return 'running' }
  if (Test-Path -LiteralPath "$m.result") { return 'finished' }
  if (Test-Path -LiteralPath "$m.exit") { return 'unverified' }
  return 'interrupted'
}
function Quote($value) { "'" + ($value -replace "'", "''") + "'" }
if ($mode -eq 'detached') {
  Set-Content -LiteralPath "$m.claim.$PID" -Value "$PID $(Boot) $owner" -Encoding ASCII
  try { [IO.File]::Move("$m.claim.$PID", "$m.pid") } catch { Remove-Item -LiteralPath "$m.claim.$PID"; exit 0 }
  $c = RunTo $step "$m.out"
  Put "$m.exit" $c
  Finish
  exit 0
}
New-Item -ItemType Directory -Force -Path $base | Out-Null
$how = if ($mode -eq 'status') { 'read' } else { 'before' }
$s = State
if (($mode -eq 'run') -and ($s -eq 'none')) {
  # Created by WMI, outside the job object of the SSH session, so that closing the session
  # or losing the controller does not end the install.
  $vars = '$mode = ''detached''; $name = {0}; $wait = 0; $step = {1}; $verify = {2}; $ok = @({3}); $tail = 0; $owner = {4}; $body = {5}' -f `
    (Quote $name), (Quote $step), (Quote $verify), ($ok -join ','), $PID, (Quote $body)
  $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($vars + "`n" + $body))
  $runner = Invoke-CimMethod -ClassName Win32_Process -MethodName Create `
    -Arguments @{ CommandLine = "powershell -NoProfile -NonInteractive -EncodedCommand $encoded" }
  Wait-Process -Id $runner.ProcessId -Timeout $wait -ErrorAction SilentlyContinue
  $s = State
  $how = 'joined'
  if (Test-Path -LiteralPath "$m.pid") {
    $p, $b, $o = (Get-Content -LiteralPath "$m.pid" -TotalCount 1) -split ' '
    if ($o -eq "$PID") { $how = 'ran' }
  }
}
if (($mode -eq 'run') -and ($s -eq 'running')) {
  if ($how -ne 'ran') { $how = 'joined' }
  $end = (Get-Date).AddSeconds($wait)
  while (($s -eq 'running') -and ((Get-Date) -lt $end)) {
    Start-Sleep -Milliseconds 200
    $s = State
  }
}
if ($s -eq 'unverified') {
  Finish
  $s = 'finished'
}
if ($s -eq 'finished') {
  if (Test-Path -LiteralPath "$m.out") {
    $bytes = [IO.File]::ReadAllBytes("$m.out")
    $from = [Math]::Max(0, $bytes.Length - $tail)
    [Console]::Out.WriteLine([Text.Encoding]::UTF8.GetString($bytes, $from, $bytes.Length - $from))
  }
  [Console]::Out.WriteLine('PATCHWAVE-VERIFY')
  if (Test-Path -LiteralPath "$m.verify") { Get-Content -LiteralPath "$m.verify" -Tail 20 | Write-Output }
  [Console]::Out.WriteLine("PATCHWAVE-RESULT state=finished how=$how $(Get-Content -LiteralPath "$m.result" -TotalCount 1)")
}
else {
  [Console]::Out.WriteLine("PATCHWAVE-RESULT state=$s how=$how")
}
exit 0
