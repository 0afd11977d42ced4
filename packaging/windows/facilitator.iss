; Inno Setup script: a per-user Windows installer for the Facilitator bundle.
;
; Build the bundle first (on Windows, in the repo):
;     py -3.11 -m venv .venv
;     .venv\Scripts\python -m pip install -e . --group pyproject.toml:build
;     .venv\Scripts\python -m PyInstaller --noconfirm packaging\facilitator.spec
; then compile this script (Inno Setup 6, https://jrsoftware.org/isinfo.php):
;     iscc /DAppVersion=0.1.0 packaging\windows\facilitator.iss
; The installer lands in dist\Facilitator-setup-<version>.exe.
;
; Per user: no administrator rights (a research agency's managed laptop), installed
; under %LOCALAPPDATA%\Programs\Facilitator, a Start-menu entry for the windowed app
; (no console behind it) and, optionally, a desktop shortcut. Uninstalling removes the
; program only: the database, snapshots, the pack copy with the real videos, and the
; log stay in %LOCALAPPDATA%\facilitator.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Bundle "..\..\dist\facilitator"

[Setup]
AppId={{8C6C3E55-2C52-4C5B-9A0B-2E1B8F4F7D21}
AppName=Facilitator
AppVersion={#AppVersion}
AppPublisher=Facilitator
AppComments=Runs in-person public-dialogue workshops offline
DefaultDirName={localappdata}\Programs\Facilitator
DefaultGroupName=Facilitator
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=Facilitator-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
UninstallDisplayIcon={app}\Facilitator.exe
; The app must not be running while it is replaced.
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
; Inno Setup ships no Welsh: add an unofficial Welsh.isl (jrsoftware.org, "Inno Setup
; Translations") beside this script and uncomment to offer it.
; Name: "welsh"; MessagesFile: "Welsh.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole one-folder bundle: Facilitator.exe (windowed), facilitator-cli.exe (command
; line and the video probes), and _internal\ (Python, Qt, VLC when bundled, the pack,
; the placeholder videos, the fonts, tzdata).
Source: "{#Bundle}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; A previous version's files that this one no longer ships.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\Facilitator"; Filename: "{app}\Facilitator.exe"
Name: "{group}\Facilitator pre-flight check"; Filename: "{cmd}"; Parameters: "/k ""{app}\facilitator-cli.exe"" check"; WorkingDir: "{userdocs}"
Name: "{group}\{cm:UninstallProgram,Facilitator}"; Filename: "{uninstallexe}"
Name: "{userdesktop}\Facilitator"; Filename: "{app}\Facilitator.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\Facilitator.exe"; Description: "{cm:LaunchProgram,Facilitator}"; Flags: nowait postinstall skipifsilent
