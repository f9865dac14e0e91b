//! Every flag is defined once, here, with its help.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "bulwark",
    version,
    about = "Secure the Kubernetes software supply chain: scan manifests before they ship",
    long_about = None,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan files and folders for misconfigurations and secrets
    Scan(ScanArgs),
    /// List the built-in rules, or show one rule's documentation
    Rules(RulesArgs),
    /// Render a Helm chart as Helm v4 does
    Template(TemplateArgs),
    /// Package chart folders into .tgz archives Helm loads (reproducibly), optionally signed
    #[command(disable_version_flag = true)]
    Package(PackageArgs),
    /// Verify a chart archive against its provenance file
    Verify(VerifyArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Findings with source snippets, for people
    Table,
    /// The `bulwark.report/v1` JSON document
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards
    Sarif,
    /// JUnit XML, for CI test reports
    Junit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for bulwark_core::Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Info => bulwark_core::Severity::Info,
            SeverityArg::Low => bulwark_core::Severity::Low,
            SeverityArg::Medium => bulwark_core::Severity::Medium,
            SeverityArg::High => bulwark_core::Severity::High,
            SeverityArg::Critical => bulwark_core::Severity::Critical,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or folders to scan (folders are walked, honouring .gitignore)
    #[arg(default_value = ".")]
    pub targets: Vec<PathBuf>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    /// Write the report to FILE instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Configuration file (default: the nearest .bulwark.yaml from the first target upward)
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Exit with 1 when an unsuppressed finding is at or above this severity
    /// [default: the configuration's `fail-on`, else low]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<SeverityArg>,

    /// Kubernetes version whose schemas validate objects (default: the newest embedded)
    #[arg(long, value_name = "X.Y")]
    pub kube_version: Option<String>,

    /// Folder of extra JSON schemas for custom resources (kubeconform layout)
    #[arg(long, value_name = "DIR")]
    pub schema_location: Vec<PathBuf>,

    /// Do not validate objects against the Kubernetes schemas
    #[arg(long)]
    pub no_schema: bool,

    /// Disable a rule (code, name or peer alias); repeatable
    #[arg(long, value_name = "RULE")]
    pub disable: Vec<String>,

    /// Show suppressed findings in the table output
    #[arg(long)]
    pub show_suppressed: bool,

    /// When to use colours in the table output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Require a valid Helm provenance file (`.prov`) beside every chart archive
    #[arg(long)]
    pub verify: bool,

    /// Public keyring for provenance checks [default: ~/.gnupg/pubring.kbx or pubring.gpg]
    #[arg(long, value_name = "FILE")]
    pub keyring: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Show the documentation of this rule (code, name or peer alias)
    pub rule: Option<String>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TemplateOutput {
    /// The `helm template` stream (`# Source:` documents in install order, hooks last)
    Yaml,
    /// `{template path: rendered text}`, keys sorted
    Json,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Chart folder or .tgz archive
    pub chart: PathBuf,

    /// Values file, merged left to right over the chart's defaults; repeatable
    #[arg(long = "values", short = 'f', value_name = "FILE")]
    pub values: Vec<PathBuf>,

    /// Set a value (`a.b=c`, lists with `{x,y}`); repeatable
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,

    /// Set a value kept as a string; repeatable
    #[arg(long, value_name = "K=V")]
    pub set_string: Vec<String>,

    /// Set a value given as JSON; repeatable
    #[arg(long, value_name = "K=JSON")]
    pub set_json: Vec<String>,

    /// Set a value to the contents of a file; repeatable
    #[arg(long, value_name = "K=PATH")]
    pub set_file: Vec<String>,

    /// Release name
    #[arg(long, default_value = "release-name")]
    pub name: String,

    /// Release namespace
    #[arg(long, short = 'n', default_value = "default")]
    pub namespace: String,

    /// Kubernetes version of `.Capabilities.KubeVersion` (default v1.36.0)
    #[arg(long, value_name = "V")]
    pub kube_version: Option<String>,

    /// Extra `.Capabilities.APIVersions` entry; repeatable
    #[arg(long, short = 'a', value_name = "GROUP/VERSION")]
    pub api_versions: Vec<String>,

    /// Output format
    #[arg(long, short = 'o', value_enum, default_value_t = TemplateOutput::Yaml)]
    pub output: TemplateOutput,
}

#[derive(Debug, Args)]
pub struct PackageArgs {
    /// Chart folders to package
    #[arg(required = true, value_name = "CHART_DIR")]
    pub charts: Vec<PathBuf>,

    /// Folder to write the archives (and provenance files) to
    #[arg(long, short = 'd', value_name = "DEST")]
    pub destination: Option<PathBuf>,

    /// Set the chart's version (a semantic version)
    #[arg(long, value_name = "V")]
    pub version: Option<String>,

    /// Set the chart's appVersion
    #[arg(long, value_name = "V")]
    pub app_version: Option<String>,

    /// Write a Helm provenance file (`.prov`) signed with --key from --keyring
    #[arg(long)]
    pub sign: bool,

    /// Signing key: a user ID, part of one (must select one key), or a fingerprint
    #[arg(long, value_name = "NAME", requires = "sign")]
    pub key: Option<String>,

    /// Secret keyring (binary or armored `gpg --export-secret-keys`) [default: ~/.gnupg/secring.gpg]
    #[arg(long, value_name = "FILE", requires = "sign")]
    pub keyring: Option<PathBuf>,

    /// File whose first line is the key's passphrase (`-` for standard input)
    #[arg(long, value_name = "FILE", requires = "sign")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Chart archive (its provenance file is CHART.tgz.prov)
    #[arg(value_name = "CHART.tgz")]
    pub target: PathBuf,

    /// Public keyring (binary, armored or GnuPG keybox) [default: ~/.gnupg/pubring.kbx or pubring.gpg]
    #[arg(long, value_name = "FILE")]
    pub keyring: Option<PathBuf>,
}
