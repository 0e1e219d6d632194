//! The `sts` example against moto's server (signature checks on), its JSON compared with what
//! the real AWS CLI (awscli v1 from the venv) prints for the same call against the same
//! server: keys, their order and nesting, value types, and timestamp formats. Also:
//! `credential_process` output consumed by the real AWS CLI, the EKS token and exit codes.
//!
//! Needs `moto_server` and `aws` (from `.venv/bin`, else `PATH`). Without them it prints one
//! line and passes, unless `TINYSTS_REQUIRE_MOTO=1`.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::too_many_lines
)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const ACCOUNT: &str = "123456789012";
/// Unauthenticated actions moto allows: four IAM setup calls (create-user, create-access-key,
/// put-user-policy, create-role) and the unsigned SAML and web identity calls, once by each
/// CLI. Everything after is signed with the IAM user's key and checked.
const NO_AUTH_ACTIONS: u32 = 8;

fn tool(name: &str) -> Option<PathBuf> {
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".venv/bin")
        .join(name);
    if venv.is_file() {
        return Some(venv);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_moto(bin: &Path) -> (Server, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(bin)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .env("INITIAL_NO_AUTH_ACTION_COUNT", NO_AUTH_ACTIONS.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    let server = Server(child);
    let url = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto did not come up at {url}");
        std::thread::sleep(Duration::from_millis(200));
    }
    (server, url)
}

/// The example binary, built here (`cargo test --test cli` does not build examples).
fn sts_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let status = Command::new(cargo)
        .args(["build", "--quiet", "--example", "sts"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .expect("cargo build --example sts");
    assert!(status.success(), "building the sts example failed");
    // target/<profile>/deps/cli-HASH -> target/<profile>/examples/sts
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let bin = profile_dir.join("examples/sts");
    assert!(bin.is_file(), "{} missing", bin.display());
    bin
}

/// A command with a clean AWS environment: no user config, region us-east-1.
fn command(bin: &Path, home: &Path, akid: &str, secret: &str) -> Command {
    let mut c = Command::new(bin);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            c.env_remove(k);
        }
    }
    c.env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
        .env("AWS_ACCESS_KEY_ID", akid)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env("AWS_PAGER", "")
        .stdin(Stdio::null());
    c
}

fn run(mut c: Command, args: &[&str]) -> Output {
    c.args(args).output().expect("run")
}

fn json_ok(out: &Output, what: &str) -> Value {
    assert!(
        out.status.success(),
        "{what}: exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{what}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

fn is_timestamp(s: &str) -> bool {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_ok()
}

/// What a timestamp string looks like: `2024-05-01T12:00:00[.ffffff]Z` -> digits replaced.
fn shape_of_text(s: &str) -> String {
    if is_timestamp(s) {
        s.chars()
            .map(|c| if c.is_ascii_digit() { '9' } else { c })
            .collect()
    } else {
        "string".to_owned()
    }
}

/// Same keys in the same order, same nesting, same value types, same timestamp layout.
fn same_shape(ours: &Value, theirs: &Value, path: &str) {
    match (ours, theirs) {
        (Value::Object(a), Value::Object(b)) => {
            let ka: Vec<&String> = a.keys().collect();
            let kb: Vec<&String> = b.keys().collect();
            assert_eq!(ka, kb, "keys at {path}");
            for (k, v) in a {
                same_shape(v, &b[k], &format!("{path}.{k}"));
            }
        }
        (Value::String(a), Value::String(b)) => {
            assert_eq!(
                shape_of_text(a),
                shape_of_text(b),
                "string at {path}: {a} vs {b}"
            );
        }
        (Value::Number(a), Value::Number(b)) => {
            assert_eq!(a.is_i64(), b.is_i64(), "number at {path}");
        }
        _ => panic!("type differs at {path}: {ours} vs {theirs}"),
    }
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(T[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn saml_assertion(role_arn: &str, provider_arn: &str) -> String {
    let xml = format!(
        r#"<?xml version="1.0"?>
<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_1" Version="2.0">
  <saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_2" Version="2.0">
    <saml:AttributeStatement>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/Role">
        <saml:AttributeValue>{role_arn},{provider_arn}</saml:AttributeValue>
      </saml:Attribute>
      <saml:Attribute Name="https://aws.amazon.com/SAML/Attributes/RoleSessionName">
        <saml:AttributeValue>saml-session</saml:AttributeValue>
      </saml:Attribute>
    </saml:AttributeStatement>
  </saml:Assertion>
</samlp:Response>"#
    );
    base64(xml.as_bytes())
}

#[test]
fn cli_matches_aws_cli_against_moto() {
    let required = std::env::var("TINYSTS_REQUIRE_MOTO").is_ok_and(|v| v == "1");
    let (Some(moto_bin), Some(aws)) = (tool("moto_server"), tool("aws")) else {
        let why = "cli: moto_server or aws not found (.venv/bin or PATH), skipping";
        assert!(!required, "TINYSTS_REQUIRE_MOTO=1 but {why}");
        println!("{why}");
        return;
    };
    let sts = sts_binary();
    let (_server, url) = start_moto(&moto_bin);
    let home = std::env::temp_dir().join(format!("tinysts-cli-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let dummy = |bin: &Path| command(bin, &home, "AKIAIOSFODNN7EXAMPLE", "setup-secret");
    let ep = ["--endpoint-url", url.as_str()];

    // 1-4: IAM setup with the real AWS CLI, inside moto's unauthenticated window.
    let aws_iam = |args: &[&str]| json_ok(&run(dummy(&aws), &[&ep[..], args].concat()), "iam");
    aws_iam(&["iam", "create-user", "--user-name", "cli"]);
    let key = aws_iam(&["iam", "create-access-key", "--user-name", "cli"]);
    let akid = key["AccessKey"]["AccessKeyId"].as_str().unwrap().to_owned();
    let secret = key["AccessKey"]["SecretAccessKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let allow_all =
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    let out = run(
        dummy(&aws),
        &[
            &ep[..],
            &[
                "iam",
                "put-user-policy",
                "--user-name",
                "cli",
                "--policy-name",
                "all",
            ],
            &["--policy-document", allow_all],
        ]
        .concat(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:user/cli"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = aws_iam(&[
        "iam",
        "create-role",
        "--role-name",
        "demo",
        "--assume-role-policy-document",
        &trust,
    ]);
    let role_arn = role["Role"]["Arn"].as_str().unwrap().to_owned();

    let ours = |args: &[&str]| run(command(&sts, &home, &akid, &secret), args);
    let theirs = |args: &[&str]| {
        run(
            command(&aws, &home, &akid, &secret),
            &[&ep[..], &["sts"], args].concat(),
        )
    };
    let compare = |name: &str, args: &[&str]| -> (Value, Value) {
        // Globals after the subcommand for ours, before it for the AWS CLI.
        let mine = json_ok(&ours(&[args, &ep[..]].concat()), &format!("sts {name}"));
        let real = json_ok(&theirs(args), &format!("aws sts {name}"));
        same_shape(&mine, &real, name);
        println!("cli {name}: same shape as aws sts");
        (mine, real)
    };

    // 5-8: the unsigned operations.
    let provider = format!("arn:aws:iam::{ACCOUNT}:saml-provider/idp");
    let assertion = saml_assertion(&role_arn, &provider);
    let (mine, _) = compare(
        "assume-role-with-saml",
        &[
            "assume-role-with-saml",
            "--role-arn",
            &role_arn,
            "--principal-arn",
            &provider,
            "--saml-assertion",
            &assertion,
        ],
    );
    assert!(
        mine["AssumedRoleUser"]["Arn"]
            .as_str()
            .unwrap()
            .ends_with("demo/saml-session")
    );
    compare(
        "assume-role-with-web-identity",
        &[
            "assume-role-with-web-identity",
            "--role-arn",
            &role_arn,
            "--role-session-name",
            "web",
            "--web-identity-token",
            "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ0aW55c3RzIn0.c2lnbmF0dXJl",
            "--duration-seconds",
            "900",
        ],
    );

    // Signed from here on.
    let (mine, real) = compare("get-caller-identity", &["get-caller-identity"]);
    assert_eq!(mine, real, "identical identity");
    assert_eq!(mine["Arn"], format!("arn:aws:iam::{ACCOUNT}:user/cli"));
    let (mine, real) = compare(
        "get-access-key-info",
        &["get-access-key-info", "--access-key-id", &akid],
    );
    assert_eq!(mine, real);
    compare(
        "get-session-token",
        &["get-session-token", "--duration-seconds", "900"],
    );
    let (mine, real) = compare(
        "get-federation-token",
        &[
            "get-federation-token",
            "--name",
            "fed",
            "--duration-seconds",
            "900",
            "--tags",
            "Key=team,Value=a",
            "Key=env,Value=b",
        ],
    );
    assert_eq!(mine["FederatedUser"], real["FederatedUser"]);
    let (mine, real) = compare(
        "assume-role",
        &[
            "assume-role",
            "--role-arn",
            &role_arn,
            "--role-session-name",
            "cli-session",
            "--duration-seconds",
            "900",
            "--external-id",
            "ext-1",
            "--policy-arns",
            "arn=arn:aws:iam::aws:policy/ReadOnlyAccess",
            "--tags",
            "Key=team,Value=a",
            "--transitive-tag-keys",
            "team",
        ],
    );
    assert_eq!(
        mine["AssumedRoleUser"]["Arn"],
        real["AssumedRoleUser"]["Arn"]
    );

    // --output text: the same lines as the AWS CLI for a deterministic answer.
    let mine = ours(&[
        "--output",
        "text",
        "get-caller-identity",
        "--endpoint-url",
        &url,
    ]);
    let real = theirs(&["get-caller-identity", "--output", "text"]);
    assert!(mine.status.success());
    assert_eq!(
        String::from_utf8_lossy(&mine.stdout),
        String::from_utf8_lossy(&real.stdout)
    );

    // A profile that assumes a role with MFA: the code is asked for on the terminal.
    std::fs::write(
        home.join("credentials"),
        format!("[base]\naws_access_key_id = {akid}\naws_secret_access_key = {secret}\n"),
    )
    .unwrap();
    std::fs::write(
        home.join("config"),
        format!(
            "[profile mfa]\nrole_arn = {role_arn}\nsource_profile = base\nmfa_serial = arn:aws:iam::{ACCOUNT}:mfa/cli\n"
        ),
    )
    .unwrap();
    let mut child = command(&sts, &home, "", "")
        .args([
            "get-caller-identity",
            "--profile",
            "mfa",
            "--endpoint-url",
            &url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"123456\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let who = json_ok(&out, "get-caller-identity --profile mfa");
    assert!(
        who["Arn"]
            .as_str()
            .unwrap()
            .starts_with(&format!("arn:aws:sts::{ACCOUNT}:assumed-role/demo/")),
        "{who}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("MFA code"));
    std::fs::remove_file(home.join("credentials")).unwrap();
    println!("cli profile with role_arn + mfa_serial: code read from the terminal");

    // credential_process: the AWS CLI runs `sts export-credentials --format process`.
    std::fs::write(
        home.join("config"),
        format!(
            "[profile tiny]\nregion = us-east-1\ncredential_process = {} export-credentials --format process\n",
            sts.display()
        ),
    )
    .unwrap();
    let via_process = json_ok(
        &run(
            command(&aws, &home, &akid, &secret),
            &[
                &ep[..],
                &["sts", "get-caller-identity", "--profile", "tiny"],
            ]
            .concat(),
        ),
        "aws with credential_process",
    );
    assert_eq!(
        via_process["Arn"],
        format!("arn:aws:iam::{ACCOUNT}:user/cli")
    );
    println!("cli credential_process: consumed by aws sts get-caller-identity");
    let process = json_ok(&ours(&["export-credentials"]), "export-credentials");
    assert_eq!(process["Version"], 1);
    assert_eq!(process["AccessKeyId"], akid.as_str());
    let env_lines = ours(&["export-credentials", "--format", "env-no-export"]);
    assert_eq!(
        String::from_utf8_lossy(&env_lines.stdout),
        format!("AWS_ACCESS_KEY_ID={akid}\nAWS_SECRET_ACCESS_KEY={secret}\n")
    );

    // EKS token: an ExecCredential whose token decodes to a URL presigned for moto's host.
    let exec = json_ok(
        &ours(&[
            "eks-token",
            "--cluster-name",
            "demo",
            "--endpoint-url",
            &url,
        ]),
        "eks-token",
    );
    assert_eq!(exec["kind"], "ExecCredential");
    assert_eq!(exec["apiVersion"], "client.authentication.k8s.io/v1beta1");
    let token = exec["status"]["token"].as_str().unwrap();
    let url_in_token = tinysts::presign::eks_token_url(token).unwrap();
    assert!(url_in_token.starts_with(&format!("{url}/?Action=GetCallerIdentity")));
    assert!(url_in_token.contains("&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&"));
    let stamp = exec["status"]["expirationTimestamp"].as_str().unwrap();
    assert!(stamp.ends_with('Z') && stamp.len() == 20, "{stamp}");

    // Vault login data: four base64 fields.
    let vault = json_ok(
        &ours(&["vault-login-data", "--server-id", "vault.example.com"]),
        "vault-login-data",
    );
    assert_eq!(vault["iam_http_request_method"], "POST");
    assert_eq!(
        vault["iam_request_url"],
        base64(b"https://sts.amazonaws.com/")
    );

    // Exit codes and one-line errors.
    let usage = ours(&["assume-role", "--role-arn", &role_arn]);
    assert_eq!(usage.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&usage.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("--role-session-name is required"),
        "{stderr}"
    );
    assert_eq!(ours(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(
        ours(&["get-caller-identity", "--bogus", "x"]).status.code(),
        Some(2)
    );
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let network = ours(&["get-caller-identity", "--endpoint-url", &dead]);
    assert_eq!(network.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&network.stderr).lines().count(), 1);
    let denied = command(&sts, &home, &akid, "wrong-secret")
        .args(["get-caller-identity", "--endpoint-url", &url])
        .output()
        .unwrap();
    assert_eq!(denied.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&denied.stderr);
    assert!(!stderr.contains("wrong-secret"), "{stderr}");
    println!("cli exit codes: 0 ok, 1 service/network, 2 usage");
    let _ = std::fs::remove_dir_all(&home);
}
