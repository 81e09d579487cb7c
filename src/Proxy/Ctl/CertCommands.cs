using System.CommandLine;
using System.Security.Cryptography;
using NatEdge.Shared.Security;

namespace NatEdge.Proxy.Ctl;

/// <summary>
/// <c>ctl cert ca --out DIR</c> and <c>ctl cert issue --ca DIR --name NAME --role dispatcher|relay --out DIR</c>:
/// the operator CA and the certificates of the relay link's mutual TLS, as PEM files. Needs no database.
/// </summary>
internal static class CertCommands
{
    private static readonly Option<DirectoryInfo> Out = new("--out") { Description = "directory the PEM files are written to (created when missing)", Required = true };
    private static readonly Option<int> Days = new("--days") { Description = "validity in days", DefaultValueFactory = _ => 3650 };

    public static Command Create()
    {
        var cert = new Command("cert", "certificates for the relay link (dispatcher and relays, mutual TLS)");
        cert.Subcommands.Add(CreateAuthorityCommand());
        cert.Subcommands.Add(CreateIssueCommand());
        return cert;
    }

    private static Command CreateAuthorityCommand()
    {
        var name = new Option<string>("--name") { Description = "common name of the CA", DefaultValueFactory = _ => "NatEdge operator CA" };
        var command = new Command("ca", $"create an operator CA: {OperatorCertificates.AuthorityCertificateFile} and {OperatorCertificates.AuthorityKeyFile} in --out") { Out, name, Days };
        command.SetAction(parse =>
        {
            var directory = parse.GetValue(Out)!;
            if (!TryValidity(parse, out var validity)) return Program.ExitBadUsage;
            directory.Create();
            using var authority = OperatorCertificates.CreateAuthority(parse.GetValue(name)!, DateTimeOffset.UtcNow, validity);
            var certificatePath = Path.Combine(directory.FullName, OperatorCertificates.AuthorityCertificateFile);
            OperatorCertificates.WritePem(authority, certificatePath, Path.Combine(directory.FullName, OperatorCertificates.AuthorityKeyFile));
            Console.Out.WriteLine($"created CA '{authority.Subject}' in {certificatePath}");
            return Program.ExitOk;
        });
        return command;
    }

    private static Command CreateIssueCommand()
    {
        var ca = new Option<DirectoryInfo>("--ca") { Description = $"directory holding {OperatorCertificates.AuthorityCertificateFile} and {OperatorCertificates.AuthorityKeyFile}", Required = true };
        var name = new Option<string>("--name") { Description = "common name; also the file name (NAME.crt, NAME.key)", Required = true };
        var role = new Option<RelayLinkRole>("--role") { Description = "dispatcher (the proxy, TLS server) or relay (TLS client)", Required = true };
        var san = new Option<string[]>("--san") { Description = "subject alternative name (IP or DNS name), repeatable; default NAME", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("issue", "issue a dispatcher or relay certificate signed by the CA") { ca, name, role, san, Out, Days };
        command.SetAction(parse =>
        {
            var commonName = parse.GetValue(name)!.Trim();
            if (commonName.Length == 0 || commonName.IndexOfAny(['/', '\\', ',', '=', '+']) >= 0)
            {
                Console.Error.WriteLine($"--name must be a plain name (it names the files too), got '{commonName}'");
                return Program.ExitBadUsage;
            }

            if (!TryValidity(parse, out var validity)) return Program.ExitBadUsage;
            var caDirectory = parse.GetValue(ca)!.FullName;
            try
            {
                using var authority = RelayLinkCertificates.LoadIdentity(
                    Path.Combine(caDirectory, OperatorCertificates.AuthorityCertificateFile),
                    Path.Combine(caDirectory, OperatorCertificates.AuthorityKeyFile));
                using var issued = OperatorCertificates.Issue(authority, commonName, parse.GetValue(role), parse.GetValue(san) ?? [], DateTimeOffset.UtcNow, validity);
                var directory = parse.GetValue(Out)!;
                directory.Create();
                var certificatePath = Path.Combine(directory.FullName, commonName + ".crt");
                OperatorCertificates.WritePem(issued, certificatePath, Path.Combine(directory.FullName, commonName + ".key"));
                Console.Out.WriteLine($"issued {parse.GetValue(role).ToString().ToLowerInvariant()} certificate '{issued.Subject}' in {certificatePath}");
                return Program.ExitOk;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                Console.Error.WriteLine($"cannot issue the certificate: {e.Message}");
                return Program.ExitRuntimeFailure;
            }
        });
        return command;
    }

    private static bool TryValidity(ParseResult parse, out TimeSpan validity)
    {
        var days = parse.GetValue(Days);
        validity = TimeSpan.FromDays(days);
        if (days is >= 1 and <= 36500) return true;
        Console.Error.WriteLine($"--days must lie within 1-36500, got {days}");
        return false;
    }
}
