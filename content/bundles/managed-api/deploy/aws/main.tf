# The agent's side of a managed sandbox service ({{provider_name}}):
# - the provider API key lives in Secrets Manager; only the agent's role
#   can read it, and it is never passed into a sandbox;
# - the agent's outbound traffic leaves through one NAT gateway with a
#   fixed Elastic IP (give it to the provider or your firewall for
#   allowlisting);
# - Route 53 Resolver DNS Firewall lets the agent's VPC resolve only the
#   provider API and the domains you add, so injected code that reaches
#   the agent cannot exfiltrate through arbitrary hosts;
# - the agent's security group allows only HTTPS and DNS out.
# Docs: https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html
#       https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
#       https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-dns-firewall.html
#       {{api_doc}}

resource "aws_secretsmanager_secret" "provider_api_key" {
  name                    = "${var.name}/{{provider}}-api-key"
  description             = "{{provider_name}} API key for the agent (set the value out of band; rotate every {{rotate_days}} days)"
  recovery_window_in_days = var.secret_recovery_days
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = [var.agent_service_principal]
    }
  }
}

resource "aws_iam_role" "agent" {
  name                 = "${var.name}-agent"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  max_session_duration = 3600
}

data "aws_iam_policy_document" "read_key" {
  statement {
    sid       = "ReadProviderKeyOnly"
    actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
    resources = [aws_secretsmanager_secret.provider_api_key.arn]
  }
}

resource "aws_iam_role_policy" "read_key" {
  name   = "read-{{provider}}-api-key"
  role   = aws_iam_role.agent.id
  policy = data.aws_iam_policy_document.read_key.json
}

resource "aws_eip" "egress" {
  domain = "vpc"
  tags = {
    Name = "${var.name}-egress"
  }
}

resource "aws_nat_gateway" "egress" {
  allocation_id = aws_eip.egress.id
  subnet_id     = var.public_subnet_id
  tags = {
    Name = "${var.name}-egress"
  }
}

resource "aws_route" "default_via_nat" {
  count                  = length(var.private_route_table_ids)
  route_table_id         = var.private_route_table_ids[count.index]
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.egress.id
}

resource "aws_security_group" "agent" {
  name        = "${var.name}-agent"
  description = "Agent: HTTPS and DNS out only, nothing in"
  vpc_id      = var.vpc_id

  egress {
    description = "HTTPS to the provider API (domains enforced by DNS Firewall)"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "DNS to the VPC resolver"
    from_port   = 53
    to_port     = 53
    protocol    = "udp"
    cidr_blocks = ["169.254.169.253/32"]
  }
}

resource "aws_route53_resolver_firewall_domain_list" "allowed" {
  name    = "${var.name}-allowed"
  domains = concat(var.provider_api_domains, var.extra_allowed_domains)
}

resource "aws_route53_resolver_firewall_domain_list" "everything" {
  name    = "${var.name}-everything"
  domains = ["*"]
}

resource "aws_route53_resolver_firewall_rule_group" "agent" {
  name = "${var.name}-agent"
}

resource "aws_route53_resolver_firewall_rule" "allow" {
  name                    = "allow-provider-api"
  action                  = "ALLOW"
  firewall_domain_list_id = aws_route53_resolver_firewall_domain_list.allowed.id
  firewall_rule_group_id  = aws_route53_resolver_firewall_rule_group.agent.id
  priority                = 100
}

resource "aws_route53_resolver_firewall_rule" "block" {
  name                    = "block-everything-else"
  action                  = "BLOCK"
  block_response          = "NXDOMAIN"
  firewall_domain_list_id = aws_route53_resolver_firewall_domain_list.everything.id
  firewall_rule_group_id  = aws_route53_resolver_firewall_rule_group.agent.id
  priority                = 200
}

resource "aws_route53_resolver_firewall_rule_group_association" "agent" {
  name                   = "${var.name}-agent"
  firewall_rule_group_id = aws_route53_resolver_firewall_rule_group.agent.id
  vpc_id                 = var.vpc_id
  priority               = 101
}
