# Datadog monitors for the alerts the runbooks list, as the infrastructure repository keeps them
# (Datadog Terraform provider). An example of where runbook_url goes: each message links the
# alert's permanent URL, with Datadog template variables in the query string (src/editing/alert-links.md).
# site.yml lists this folder under alert_rules:, so every build checks these links against the site.

resource "datadog_monitor" "aws_ops_signin_failures_high" {
  name    = "aws.ops.signin_failures.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:aws.ops.signin_failures{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}aws.ops.signin_failures.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/aws.ops.signin_failures.high/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}aws.ops.signin_failures.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "ci_docker_push_failed" {
  name    = "ci.docker_push.failed"
  type    = "metric alert"
  query   = "avg(last_10m):avg:ci.docker_push{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}ci.docker_push.failed fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/ci.docker_push.failed/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}ci.docker_push.failed recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "ci_master_image_build_failed" {
  name    = "ci.master.image_build.failed"
  type    = "metric alert"
  query   = "avg(last_10m):avg:ci.master.image_build{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}ci.master.image_build.failed fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/ci.master.image_build.failed/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}ci.master.image_build.failed recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "ci_seed_image_publish_failed" {
  name    = "ci.seed_image.publish_failed"
  type    = "metric alert"
  query   = "avg(last_10m):avg:ci.seed_image{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}ci.seed_image.publish_failed fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/ci.seed_image.publish_failed/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}ci.seed_image.publish_failed recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "clone_data_refresh_failed" {
  name    = "clone.data_refresh.failed"
  type    = "metric alert"
  query   = "avg(last_10m):avg:clone.data_refresh{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}clone.data_refresh.failed fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/clone.data_refresh.failed/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}clone.data_refresh.failed recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "datadog_agent_statsd_packet_errors" {
  name    = "datadog.agent.statsd.packet_errors"
  type    = "metric alert"
  query   = "avg(last_10m):avg:datadog.agent.statsd.packet_errors{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}datadog.agent.statsd.packet_errors fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/datadog.agent.statsd.packet_errors/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}datadog.agent.statsd.packet_errors recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "datadog_agent_up" {
  name    = "datadog.agent.up"
  type    = "metric alert"
  query   = "avg(last_10m):avg:datadog.agent{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}datadog.agent.up fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/datadog.agent.up/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}datadog.agent.up recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "deploy_error_rate_regression" {
  name    = "deploy.error_rate.regression"
  type    = "metric alert"
  query   = "avg(last_10m):avg:deploy.error_rate{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}deploy.error_rate.regression fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/deploy.error_rate.regression/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}deploy.error_rate.regression recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "ecs_deployment_stuck" {
  name    = "ecs.deployment.stuck"
  type    = "metric alert"
  query   = "avg(last_10m):avg:ecs.deployment{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}ecs.deployment.stuck fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/ecs.deployment.stuck/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}ecs.deployment.stuck recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "elb_healthy_hosts_zero" {
  name    = "elb.healthy_hosts.zero"
  type    = "metric alert"
  query   = "avg(last_10m):avg:elb.healthy_hosts{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}elb.healthy_hosts.zero fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/elb.healthy_hosts.zero/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}elb.healthy_hosts.zero recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "elb_unhealthy_hosts_high" {
  name    = "elb.unhealthy_hosts.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:elb.unhealthy_hosts{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}elb.unhealthy_hosts.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/elb.unhealthy_hosts.high/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}elb.unhealthy_hosts.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "nsq_channel_backend_depth_high" {
  name    = "nsq.channel.backend_depth.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:nsq.channel.backend_depth{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}nsq.channel.backend_depth.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/nsq.channel.backend_depth.high/?env={{env.name}}&topic={{topic.name}}&channel={{channel.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}nsq.channel.backend_depth.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "nsq_channel_depth_high" {
  name    = "nsq.channel.depth.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:nsq.channel.depth{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}nsq.channel.depth.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/nsq.channel.depth.high/?env={{env.name}}&topic={{topic.name}}&channel={{channel.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}nsq.channel.depth.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "nsq_channel_paused_too_long" {
  name    = "nsq.channel.paused.too_long"
  type    = "metric alert"
  query   = "avg(last_10m):avg:nsq.channel.paused{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}nsq.channel.paused.too_long fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/nsq.channel.paused.too_long/?env={{env.name}}&topic={{topic.name}}&channel={{channel.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}nsq.channel.paused.too_long recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "nsqd_host_unreachable" {
  name    = "nsqd.host.unreachable"
  type    = "metric alert"
  query   = "avg(last_10m):avg:nsqd.host{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}nsqd.host.unreachable fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/nsqd.host.unreachable/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}nsqd.host.unreachable recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "nsqlookupd_health_failed" {
  name    = "nsqlookupd.health.failed"
  type    = "metric alert"
  query   = "avg(last_10m):avg:nsqlookupd.health{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}nsqlookupd.health.failed fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/nsqlookupd.health.failed/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}nsqlookupd.health.failed recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "terraform_apply_lock_failed" {
  name    = "terraform.apply.lock_failed"
  type    = "metric alert"
  query   = "avg(last_10m):avg:terraform.apply{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}terraform.apply.lock_failed fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/terraform.apply.lock_failed/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}terraform.apply.lock_failed recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "terraform_plan_drift_detected" {
  name    = "terraform.plan.drift_detected"
  type    = "metric alert"
  query   = "avg(last_10m):avg:terraform.plan{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}terraform.plan.drift_detected fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/terraform.plan.drift_detected/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}terraform.plan.drift_detected recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "worker_goroutines_high" {
  name    = "worker.goroutines.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:worker.goroutines{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}worker.goroutines.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/worker.goroutines.high/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}worker.goroutines.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "worker_memory_rss_high" {
  name    = "worker.memory.rss.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:worker.memory.rss{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}worker.memory.rss.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/worker.memory.rss.high/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}worker.memory.rss.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "worker_messages_discarded_high" {
  name    = "worker.messages.discarded.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:worker.messages.discarded{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}worker.messages.discarded.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/worker.messages.discarded.high/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}worker.messages.discarded.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}

resource "datadog_monitor" "worker_messages_requeued_high" {
  name    = "worker.messages.requeued.high"
  type    = "metric alert"
  query   = "avg(last_10m):avg:worker.messages.requeued{env:prod} > 1"
  message = <<-EOT
    {{#is_alert}}worker.messages.requeued.high fired on {{host.name}}: {{value}}.
    Runbook: https://runbooks.example.com/alerts/worker.messages.requeued.high/?env={{env.name}} @pagerduty-oncall{{/is_alert}}
    {{#is_recovery}}worker.messages.requeued.high recovered.{{/is_recovery}}
  EOT

  monitor_thresholds {
    critical = 1
  }
  tags = ["managed-by:terraform"]
}
