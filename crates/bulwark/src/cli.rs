//! Every flag is defined once, here, with its help.

use std::path::PathBuf;

use clap::builder::TypedValueParser as _;
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
    Scan(Box<ScanArgs>),
    /// List the built-in rules, or show one rule's documentation
    Rules(RulesArgs),
    /// Render a Helm chart as Helm v4 does
    Template(TemplateArgs),
    /// Catalogue the packages of an image, a root filesystem, a source tree or an SBOM file
    /// and write an SBOM (CycloneDX 1.6 JSON, SPDX 2.3 JSON or bulwark JSON)
    Sbom(SbomArgs),
    /// Rego policy tools: unit tests, Gatekeeper suites
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Manage the offline advisory database
    Db(DbArgs),
    /// Package chart folders into .tgz archives Helm loads (reproducibly), optionally signed
    #[command(disable_version_flag = true)]
    Package(PackageArgs),
    /// Verify a chart archive against its provenance file, or an image's cosign signature
    Verify(VerifyArgs),
    /// Sign an image with a cosign key, storing the signature as cosign does
    Sign(SignArgs),
    /// Write a cosign key pair (`cosign.key`, password-encrypted, and `cosign.pub`)
    GenerateKeyPair(KeyPairArgs),
}

#[derive(Debug, Args)]
pub struct KeyPairArgs {
    /// Write PREFIX.key and PREFIX.pub
    #[arg(long, value_name = "PREFIX", default_value = "cosign")]
    pub output_key_prefix: PathBuf,

    /// File whose first line is the password (`-` for standard input) [default:
    /// $COSIGN_PASSWORD, else empty]
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the Rego unit tests (`test_` rules) of policy folders, as `opa test` does
    Test(PolicyTestArgs),
    /// Run Gatekeeper gator suites (`suite.yaml`) as `gator verify` does
    Verify(PolicyVerifyArgs),
    /// Print files as the policies see them: the parsed input as JSON (`conftest parse`)
    Parse(PolicyParseArgs),
    /// Write Markdown documentation of policies from their `# METADATA` annotations
    /// (`conftest doc`)
    Doc(PolicyDocArgs),
    /// Read conftest JSON results (a file or standard input) and print them in another
    /// conftest format (`conftest reformat`)
    Reformat(PolicyReformatArgs),
}

/// conftest's output formats of policy results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConftestOutput {
    /// `FAIL - file - namespace - message` lines and the summary line
    Stdout,
    /// conftest's JSON results: filename, namespace, successes, warnings, failures,
    /// exceptions (each `{msg, loc, metadata}`)
    Json,
    /// Test Anything Protocol
    Tap,
    /// A RESULT | FILE | NAMESPACE | MESSAGE table
    Table,
    /// JUnit XML, one test case per result
    Junit,
    /// GitHub Actions annotations (`::error file=F,line=L::message`)
    Github,
}

impl From<ConftestOutput> for bulwark_report::conftest::ConftestFormat {
    fn from(o: ConftestOutput) -> Self {
        use bulwark_report::conftest::ConftestFormat as F;
        match o {
            ConftestOutput::Stdout => F::Stdout,
            ConftestOutput::Json => F::Json,
            ConftestOutput::Tap => F::Tap,
            ConftestOutput::Table => F::Table,
            ConftestOutput::Junit => F::Junit,
            ConftestOutput::Github => F::Github,
        }
    }
}

/// How much of the evaluation `policy test --report` shows, as `opa test --explain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TestReportKind {
    /// Failing tests with their notes and `print` output
    Fails,
    /// Every test with its notes, `print` output and the rules it reaches
    Full,
    /// Failing tests with the notes of their `trace()` calls
    Notes,
}

/// Checks of the policies themselves, before they run (`scan --policy` and `policy test`).
#[derive(Debug, Clone, Default, Args)]
pub struct PolicyCheckArgs {
    /// Refuse policies that OPA's strict mode refuses: local variables assigned and never
    /// used, unused function arguments, deprecated builtins
    #[arg(long)]
    pub strict: bool,

    /// OPA capabilities JSON: refuse policies calling a builtin it does not list
    #[arg(long, value_name = "FILE")]
    pub capabilities: Option<PathBuf>,

    /// Make a builtin's error fail the evaluation (and name it) instead of making the
    /// expression undefined
    #[arg(long, num_args = 0..=1, require_equals = true, default_missing_value = "true", value_name = "BOOL")]
    pub show_builtin_errors: Option<bool>,

    /// Show how each rule query went: the rules it reaches with their values and the notes
    /// of `trace()` calls
    #[arg(long)]
    pub trace: bool,
}

#[derive(Debug, Args)]
pub struct PolicyParseArgs {
    /// Files to parse (`-` for standard input)
    #[arg(required = true, value_parser = clap::builder::OsStringValueParser::new().map(PathBuf::from))]
    pub files: Vec<PathBuf>,

    /// Read every file as this format (yaml, json, toml, ini, dotenv, hcl2, dockerfile, ...)
    #[arg(long, value_name = "FORMAT")]
    pub parser: Option<String>,

    /// Print all files as one `[{path, contents}]` list, as `--combine` gives the policies
    #[arg(long)]
    pub combine: bool,
}

#[derive(Debug, Args)]
pub struct PolicyDocArgs {
    /// Policy folders; each gives `<folder name>.md`
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Folder to write the Markdown files into
    #[arg(long, short = 'o', value_name = "DIR", default_value = ".")]
    pub output: PathBuf,

    /// Go text/template to render instead of the built-in one; it receives the list of
    /// annotated packages and rules (`.RegoPackageName`, `.Path`, `.Annotations`,
    /// `.Location`, `.Depth`)
    #[arg(long, short = 't', value_name = "FILE")]
    pub template: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct PolicyReformatArgs {
    /// conftest JSON results (`scan --conftest-output json`); standard input when absent
    pub file: Option<PathBuf>,

    /// Format to print
    #[arg(long, short = 'o', value_enum, default_value_t = ConftestOutput::Json)]
    pub output: ConftestOutput,
}

#[derive(Debug, Args)]
pub struct PolicyVerifyArgs {
    /// Suite files or folders (`DIR/...` also walks the folders below)
    #[arg(required = true, value_name = "SUITE")]
    pub suites: Vec<String>,

    /// Run only the tests and cases whose name matches this regular expression
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,

    /// Print every test and case, passed or not
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Debug, Args)]
pub struct DbArgs {
    #[command(subcommand)]
    pub command: DbCommand,
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Import advisory files, folders or archives (.tar.zst, .tar.gz, .tar, .zip): OSV JSON
    /// and YAML, RustSec, Alpine/Wolfi secdb, Debian and Ubuntu trackers
    Import {
        /// Inputs; each becomes a source named after it, replacing an earlier import
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Database file (default: the user's cache folder)
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Download the OSV ecosystem exports (`<source>/<Ecosystem>/all.zip`) and import each
    /// as the source `osv-<Ecosystem>`
    Update {
        /// Base URL or local mirror folder of the exports
        #[arg(long, value_name = "URL|DIR", default_value = bulwark_vulndb::update::DEFAULT_OSV_BASE)]
        source: String,
        /// Ecosystems to fetch, comma-separated or repeated (default: those the catalogers
        /// report: Alpine, Debian, Ubuntu, Wolfi, Go, PyPI, crates.io, npm, Maven, RubyGems,
        /// Packagist, NuGet)
        #[arg(long = "ecosystem", value_name = "NAME", value_delimiter = ',')]
        ecosystems: Vec<String>,
        /// Database file (default: the user's cache folder)
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
    /// Show the sources, their advisory counts and the database's age
    Status {
        /// Database file (default: the user's cache folder)
        #[arg(long, value_name = "PATH")]
        db: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegoVersionArg {
    /// Rego v0 (`deny[msg] { ... }`); files that `import rego.v1` stay v1
    V0,
    /// Rego v1 only (OPA 1.x)
    V1,
}

#[derive(Debug, Args)]
pub struct PolicyTestArgs {
    /// Folders or files with policies and their tests
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,

    /// Data documents (JSON/YAML files or folders) merged at the root of `data`; repeatable
    #[arg(long, short = 'd', value_name = "PATH")]
    pub data: Vec<PathBuf>,

    /// Only run tests whose `data.<package>.<rule>` matches this regular expression
    #[arg(long, value_name = "REGEX")]
    pub run: Option<String>,

    /// Only run tests in packages matching this glob (`main`, `ma*`); repeatable
    #[arg(long, value_name = "NS")]
    pub namespace: Vec<String>,

    /// Rego syntax [default: v1, falling back to v0 per file]
    #[arg(long, value_enum)]
    pub rego_version: Option<RegoVersionArg>,

    /// Show passing tests and their `print` output too
    #[arg(long, short = 'v')]
    pub verbose: bool,

    /// Print the results in a conftest format (as `conftest verify -o`) instead of
    /// `opa test`'s
    #[arg(long, short = 'o', value_enum, value_name = "FORMAT")]
    pub output: Option<ConftestOutput>,

    /// Print `opa test`'s report with this much of each evaluation (standard output only)
    #[arg(long, value_enum)]
    pub report: Option<TestReportKind>,

    #[command(flatten)]
    pub checks: PolicyCheckArgs,
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
    /// Files or folders to scan (folders are walked, honouring .gitignore), SBOM files, and
    /// images: `oci:DIR`, `oci-archive:FILE`, `docker-archive:FILE`, a registry reference
    /// An empty name is ignored.
    #[arg(default_value = ".", value_parser = clap::builder::OsStringValueParser::new().map(PathBuf::from))]
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

    /// Values file for Helm charts, merged left to right over the chart's defaults;
    /// repeatable
    #[arg(long = "values", value_name = "FILE")]
    pub values: Vec<PathBuf>,

    /// Set a chart value (`a.b=c`, lists with `{x,y}`); repeatable
    #[arg(long = "set", value_name = "K=V")]
    pub set: Vec<String>,

    /// Set a chart value kept as a string; repeatable
    #[arg(long, value_name = "K=V")]
    pub set_string: Vec<String>,

    /// Set a chart value given as JSON; repeatable
    #[arg(long, value_name = "K=JSON")]
    pub set_json: Vec<String>,

    /// Set a chart value to the contents of a file; repeatable
    #[arg(long, value_name = "K=PATH")]
    pub set_file: Vec<String>,

    /// Render charts only with their default values (plus --values/--set), not also with
    /// each `ci/*-values.yaml` as chart-testing does
    #[arg(long)]
    pub no_ci_values: bool,

    #[command(flatten)]
    pub image: ImageArgs,

    /// Advisory database for image and SBOM targets (default: the user's cache folder)
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Never download: scans only read the database (`bulwark db update` is the one command
    /// that downloads), so this states the default
    #[arg(long)]
    pub offline: bool,

    /// Leave out vulnerabilities that no released version fixes yet
    #[arg(long)]
    pub ignore_unfixed: bool,

    /// Report only vulnerabilities at or above this severity (misconfiguration findings are
    /// not filtered; `--fail-on` gates the exit code)
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub severity: Option<SeverityArg>,

    /// OpenVEX or CycloneDX VEX document: `not_affected` statements suppress the matching
    /// vulnerability findings, showing their justification; repeatable
    #[arg(long, value_name = "FILE")]
    pub vex: Vec<PathBuf>,

    /// Rego policies (folders or `.rego` files) to evaluate over the targets: conftest-style
    /// `deny`/`violation`/`warn` rules and Trivy-format checks; repeatable
    #[arg(long, value_name = "DIR")]
    pub policy: Vec<PathBuf>,

    /// Policy namespace (package) to check, globs allowed [default: main]; repeatable
    #[arg(long, value_name = "NS")]
    pub namespace: Vec<String>,

    /// Check every namespace of the policies
    #[arg(long)]
    pub all_namespaces: bool,

    /// Give the policies all files at once, as `[{path, contents}]`
    #[arg(long)]
    pub combine: bool,

    /// Data documents for the policies (JSON/YAML files or folders), merged at the root of
    /// `data`; repeatable
    #[arg(long, value_name = "PATH")]
    pub data: Vec<PathBuf>,

    /// Read every policy input as this format (yaml, json, toml, ini, dotenv, hcl2, dockerfile)
    #[arg(long, value_name = "FORMAT")]
    pub parser: Option<String>,

    /// Rego syntax of the policies [default: v1, falling back to v0 per file]
    #[arg(long, value_enum)]
    pub rego_version: Option<RegoVersionArg>,

    /// Run only the policies: no built-in rules, no schema validation
    #[arg(long)]
    pub only_policies: bool,

    /// Print the policy results as conftest does, in this format, instead of bulwark's
    /// report (implies --only-policies; exit 1 on a failure, or on a warning with
    /// `--fail-on info`)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub conftest_output: Option<ConftestOutput>,

    /// conftest configuration (`policy`, `namespace`, `data`, `parser`, `all-namespaces`,
    /// `combine`, `fail-on-warn`, `output`, ...) [default: ./conftest.toml when present];
    /// flags win over it
    #[arg(long, value_name = "FILE")]
    pub conftest_config: Option<PathBuf>,

    /// Leave the `EXCP` lines of exceptions out of `--conftest-output stdout`
    #[arg(long)]
    pub suppress_exceptions: bool,

    /// Print nothing when no finding reaches `--fail-on`
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Folders of `.proto` files that textproto inputs name their message types from;
    /// repeatable
    #[arg(long, value_name = "DIR", value_delimiter = ',')]
    pub proto_file_dirs: Vec<PathBuf>,

    #[command(flatten)]
    pub policy_checks: PolicyCheckArgs,

    /// Require a valid Helm provenance file (`.prov`) beside every chart archive
    #[arg(long)]
    pub verify: bool,

    /// Public keyring for provenance checks [default: ~/.gnupg/pubring.kbx or pubring.gpg]
    #[arg(long, value_name = "FILE")]
    pub keyring: Option<std::path::PathBuf>,

    /// Require a cosign signature by --key on every image target (registry or `oci:DIR`):
    /// an unsigned image is a finding (SUP012), a signature that does not verify another
    /// (SUP013)
    #[arg(long, requires = "key")]
    pub require_signature: bool,

    /// cosign public key (`cosign.pub`) for --require-signature
    #[arg(long, value_name = "FILE")]
    pub key: Option<std::path::PathBuf>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON
    CyclonedxJson,
    /// SPDX 2.3 JSON
    SpdxJson,
    /// bulwark's own JSON (`bulwark.sbom/v1`): every package with ecosystem, purl, source
    /// package, licences and locations
    Json,
}

#[derive(Debug, clap::Args)]
pub struct SbomArgs {
    /// `oci:DIR`, `oci-archive:FILE`, `docker-archive:FILE`, a folder, or an SBOM file
    pub target: String,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = SbomFormat::CyclonedxJson)]
    pub format: SbomFormat,
    /// Write to this file instead of standard output
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
}

/// How image targets (`oci:DIR`, `oci-archive:FILE`, `docker-archive:FILE`, registry
/// references) are read.
#[derive(Debug, Clone, Default, Args)]
pub struct ImageArgs {
    /// Platform to take from a multi-platform image (default: this machine's)
    #[arg(long, value_name = "OS/ARCH[/VARIANT]")]
    pub platform: Option<String>,

    /// Talk plain HTTP to registries (loopback registries always are)
    #[arg(long)]
    pub insecure: bool,
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
    /// Chart archive (its provenance file is CHART.tgz.prov), or with --key an image
    /// (`REGISTRY/NAME[:TAG|@DIGEST]`, `docker://…`, `oci:DIR[:NAME]`)
    #[arg(value_name = "CHART.tgz|IMAGE")]
    pub target: PathBuf,

    /// Public keyring (binary, armored or GnuPG keybox) [default: ~/.gnupg/pubring.kbx or pubring.gpg]
    #[arg(long, value_name = "FILE", conflicts_with = "key")]
    pub keyring: Option<PathBuf>,

    /// cosign public key (`cosign.pub`): verify the image's signatures (signature tag or
    /// sigstore bundle referrer)
    #[arg(long, value_name = "FILE")]
    pub key: Option<PathBuf>,

    /// Talk plain HTTP to the registry (loopback registries always are)
    #[arg(long)]
    pub insecure: bool,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Image to sign (`REGISTRY/NAME[:TAG|@DIGEST]`, `docker://…`, `oci:DIR[:NAME]`); the
    /// signature names the manifest digest the tag points at now
    #[arg(value_name = "IMAGE")]
    pub image: String,

    /// cosign private key (`cosign.key`, written by `cosign generate-key-pair`)
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,

    /// File whose first line is the key's password (`-` for standard input) [default:
    /// $COSIGN_PASSWORD, else empty]
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,

    /// Store the signature as a sigstore bundle referring to the image (cosign v3, OCI 1.1
    /// referrers) instead of at the `sha256-<digest>.sig` tag
    #[arg(long)]
    pub bundle: bool,

    /// Talk plain HTTP to the registry (loopback registries always are)
    #[arg(long)]
    pub insecure: bool,
}
