/**
 * Field shapes of the configuration kinds, derived from the CustomResourceDefinitions of Calico v3.32.1
 * (projectcalico/calico api/config/crd and charts/projectcalico.org.v3/templates, Apache-2.0): field names,
 * JSON types, enums and bounds only. Generated once from the openAPIV3Schema; large pod-template override
 * subtrees (`*Deployment`, `*DaemonSet`) are accepted as any value. Regenerate when a new
 * Calico minor adds fields; test/model/shapes.conformance.test.ts fails on any drift from the CRDs.
 * Semantic rules live in src/model/validate.
 */
/* eslint-disable */
import { any, arr, bool, enumOf, int, intEnum, intOrStr, looseObj, map, num, str, type Shape } from "./shape.js";

/** `spec` of FelixConfiguration (projectcalico.org_felixconfigurations.yaml). */
export const FELIX_CONFIGURATION_SPEC: Shape<Record<string, unknown>> = looseObj({
  "allowIPIPPacketsFromWorkloads": bool(),
  "allowVXLANPacketsFromWorkloads": bool(),
  "awsSrcDstCheck": enumOf(["DoNothing", "Enable", "Disable"]),
  "bpfAttachType": enumOf(["TC", "TCX"]),
  "bpfCTLBLogFilter": str(),
  "bpfConnectTimeLoadBalancing": enumOf(["TCP", "Enabled", "Disabled"]),
  "bpfConnectTimeLoadBalancingEnabled": bool(),
  "bpfConntrackLogLevel": enumOf(["Off", "Debug"]),
  "bpfConntrackMode": enumOf(["Auto", "Userspace", "BPFProgram"]),
  "bpfConntrackTimeouts": looseObj({
    "creationGracePeriod": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
    "genericTimeout": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
    "icmpTimeout": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
    "tcpEstablished": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
    "tcpFinsSeen": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
    "tcpResetSeen": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
    "tcpSynSent": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
    "udpTimeout": str({ pattern: "^(([0-9]*(\\.[0-9]*)?(ms|s|h|m|us)+)+|Auto)$" }),
  }),
  "bpfDSROptoutCIDRs": arr(str()),
  "bpfDataIfacePattern": str(),
  "bpfDisableGROForIfaces": str(),
  "bpfDisableUnprivileged": bool(),
  "bpfEnabled": bool(),
  "bpfEnforceRPF": str({ pattern: "^(?i)(Disabled|Strict|Loose)?$" }),
  "bpfExcludeCIDRsFromNAT": arr(str()),
  "bpfExportBufferSizeMB": int(),
  "bpfExtToServiceConnmark": int(),
  "bpfExternalServiceMode": str({ pattern: "^(?i)(Tunnel|DSR)?$" }),
  "bpfForceTrackPacketsFromIfaces": arr(str()),
  "bpfHostConntrackBypass": bool(),
  "bpfHostNetworkedNATWithoutCTLB": enumOf(["Enabled", "Disabled"]),
  // CRD: allOf of two identical enums (the shape generator read only a plain enum).
  "bpfJITHardening": enumOf(["Auto", "Strict"]),
  "bpfKubeProxyHealthzPort": int(),
  "bpfKubeProxyIptablesCleanupEnabled": bool(),
  "bpfKubeProxyMinSyncPeriod": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "bpfL3IfacePattern": str(),
  "bpfLogFilters": map(str()),
  "bpfLogLevel": str({ pattern: "^(?i)(Off|Info|Debug)?$" }),
  "bpfMaglevMaxEndpointsPerService": int(),
  "bpfMaglevMaxServices": int(),
  "bpfMapSizeConntrack": int(),
  "bpfMapSizeConntrackCleanupQueue": int({ min: 1 }),
  "bpfMapSizeConntrackScaling": str({ pattern: "^(?i)(Disabled|DoubleIfFull)?$" }),
  "bpfMapSizeIPSets": int(),
  "bpfMapSizeIfState": int(),
  "bpfMapSizeNATAffinity": int(),
  "bpfMapSizeNATBackend": int(),
  "bpfMapSizeNATFrontend": int(),
  "bpfMapSizePerCpuConntrack": int(),
  "bpfMapSizeRoute": int(),
  "bpfPSNATPorts": intOrStr(),
  "bpfPolicyDebugEnabled": bool(),
  "bpfProfiling": enumOf(["Enabled", "Disabled"]),
  "bpfRedirectToPeer": enumOf(["Enabled", "Disabled"]),
  "cgroupV2Path": str(),
  "chainInsertMode": str({ pattern: "^(?i)(Insert|Append)?$" }),
  "dataplaneDriver": str(),
  "dataplaneWatchdogTimeout": str(),
  "debugDisableLogDropping": bool(),
  "debugHost": str(),
  "debugMemoryProfilePath": str(),
  "debugPort": int(),
  "debugSimulateCalcGraphHangAfter": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "debugSimulateDataplaneApplyDelay": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "debugSimulateDataplaneHangAfter": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "defaultEndpointToHostAction": str({ pattern: "^(?i)(Drop|Accept|Return)?$" }),
  "deviceRouteProtocol": int(),
  "deviceRouteSourceAddress": str(),
  "deviceRouteSourceAddressIPv6": str(),
  "disableConntrackInvalidCheck": bool(),
  "endpointReportingDelay": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "endpointReportingEnabled": bool(),
  "endpointStatusPathPrefix": str(),
  "externalNodesList": arr(str()),
  "failsafeInboundHostPorts": arr(looseObj({
    "net": str(),
    "port": int(),
    "protocol": str(),
  }, { required: ["port"] })),
  "failsafeOutboundHostPorts": arr(looseObj({
    "net": str(),
    "port": int(),
    "protocol": str(),
  }, { required: ["port"] })),
  "featureDetectOverride": str({ pattern: "^([a-zA-Z0-9-_]+=(true|false|),)*([a-zA-Z0-9-_]+=(true|false|))?$" }),
  "featureGates": str({ pattern: "^([a-zA-Z0-9-_]+=([^=]+),)*([a-zA-Z0-9-_]+=([^=]+))?$" }),
  "floatingIPs": enumOf(["Enabled", "Disabled"]),
  "flowLogsCollectorDebugTrace": bool(),
  "flowLogsFlushInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "flowLogsGoldmaneServer": str(),
  "flowLogsLocalReporter": enumOf(["Disabled", "Enabled"]),
  "flowLogsPolicyEvaluationMode": enumOf(["None", "Continuous"]),
  "genericXDPEnabled": bool(),
  "goGCThreshold": int(),
  "goMaxProcs": int(),
  "goMemoryLimitMB": int(),
  "healthEnabled": bool(),
  "healthHost": str(),
  "healthPort": int(),
  "healthTimeoutOverrides": arr(looseObj({
    "name": str(),
    "timeout": str(),
  }, { required: ["name", "timeout"] })),
  "interfaceExclude": str(),
  "interfacePrefix": str(),
  "interfaceRefreshInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "ipForwarding": enumOf(["Enabled", "Disabled"]),
  "ipipEnabled": bool(),
  "ipipMTU": int(),
  "ipsetsRefreshInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "iptablesBackend": enumOf(["Legacy", "NFT", "Auto"]),
  "iptablesFilterAllowAction": str({ pattern: "^(?i)(Accept|Return)?$" }),
  "iptablesFilterDenyAction": str({ pattern: "^(?i)(Drop|Reject)?$" }),
  "iptablesLockProbeInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "iptablesMangleAllowAction": str({ pattern: "^(?i)(Accept|Return)?$" }),
  "iptablesMarkMask": int(),
  "iptablesNATOutgoingInterfaceFilter": str(),
  "iptablesPostWriteCheckInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "iptablesRefreshInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "ipv4ElevatedRoutePriority": int(),
  "ipv4NormalRoutePriority": int(),
  "ipv6ElevatedRoutePriority": int(),
  "ipv6NormalRoutePriority": int(),
  "ipv6Support": bool(),
  "istioAmbientMode": enumOf(["Enabled", "Disabled"]),
  "istioDSCPMark": intOrStr(),
  "kubeNodePortRanges": arr(intOrStr()),
  "liveMigrationRouteConvergenceTime": str({ pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))*$" }),
  "logActionRateLimit": str({ pattern: "^[1-9]\\d{0,3}/(?:second|minute|hour|day)$" }),
  "logActionRateLimitBurst": int({ min: 0, max: 9999 }),
  "logDebugFilenameRegex": str(),
  "logFilePath": str(),
  "logPrefix": str({ pattern: "^([a-zA-Z0-9%: /_-])*$" }),
  "logSeverityFile": str({ pattern: "^(?i)(Trace|Debug|Info|Warning|Error|Fatal)?$" }),
  "logSeverityScreen": str({ pattern: "^(?i)(Trace|Debug|Info|Warning|Error|Fatal)?$" }),
  "logSeveritySys": str({ pattern: "^(?i)(Trace|Debug|Info|Warning|Error|Fatal)?$" }),
  "maxIpsetSize": int(),
  "metadataAddr": str(),
  "metadataPort": int(),
  "mtuIfacePattern": str(),
  "natOutgoingAddress": str(),
  "natOutgoingExclusions": enumOf(["IPPoolsOnly", "IPPoolsAndHostIPs"]),
  "natPortRange": intOrStr(),
  "netlinkTimeout": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "nftablesFilterAllowAction": str({ pattern: "^(?i)(Accept|Return)?$" }),
  "nftablesFilterDenyAction": str({ pattern: "^(?i)(Drop|Reject)?$" }),
  "nftablesMangleAllowAction": str({ pattern: "^(?i)(Accept|Return)?$" }),
  "nftablesMarkMask": int(),
  "nftablesMode": enumOf(["Disabled", "Enabled", "Auto"]),
  "nftablesRefreshInterval": str(),
  "nodeSelector": str({ maxLength: 1024 }),
  "openstackRegion": str(),
  "policySyncPathPrefix": str(),
  "programClusterRoutes": enumOf(["Enabled", "Disabled"]),
  "prometheusGoMetricsEnabled": bool(),
  "prometheusMetricsCAFile": str(),
  "prometheusMetricsCertFile": str(),
  "prometheusMetricsClientAuth": str(),
  "prometheusMetricsEnabled": bool(),
  "prometheusMetricsHost": str(),
  "prometheusMetricsKeyFile": str(),
  "prometheusMetricsPort": int(),
  "prometheusProcessMetricsEnabled": bool(),
  "prometheusWireGuardMetricsEnabled": bool(),
  "removeExternalRoutes": bool(),
  "reportingInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "reportingTTL": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "requireMTUFile": bool(),
  "routeRefreshInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "routeSource": str({ pattern: "^(?i)(WorkloadIPs|CalicoIPAM)?$" }),
  "routeSyncDisabled": bool(),
  "routeTableRange": looseObj({
    "max": int(),
    "min": int(),
  }, { required: ["max", "min"] }),
  "routeTableRanges": arr(looseObj({
    "max": int(),
    "min": int(),
  }, { required: ["max", "min"] })),
  "serviceLoopPrevention": str({ pattern: "^(?i)(Drop|Reject|Disabled)?$" }),
  "sidecarAccelerationEnabled": bool(),
  "usageReportingEnabled": bool(),
  "usageReportingInitialDelay": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "usageReportingInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "useInternalDataplaneDriver": bool(),
  "vxlanEnabled": bool(),
  "vxlanMTU": int(),
  "vxlanMTUV6": int(),
  "vxlanPort": int(),
  "vxlanVNI": int(),
  "windowsManageFirewallRules": enumOf(["Enabled", "Disabled"]),
  "wireguardEnabled": bool(),
  "wireguardEnabledV6": bool(),
  "wireguardHostEncryptionEnabled": bool(),
  "wireguardInterfaceName": str(),
  "wireguardInterfaceNameV6": str(),
  "wireguardKeepAlive": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
  "wireguardListeningPort": int(),
  "wireguardListeningPortV6": int(),
  "wireguardMTU": int(),
  "wireguardMTUV6": int(),
  "wireguardRoutingRulePriority": int(),
  "wireguardThreadingEnabled": bool(),
  "workloadSourceSpoofing": str({ pattern: "^(?i)(Disabled|Any)?$" }),
  "xdpEnabled": bool(),
  "xdpRefreshInterval": str({ pattern: "^([0-9]+(\\\\.[0-9]+)?(ms|s|m|h))*$" }),
});

/** `spec` of KubeControllersConfiguration (projectcalico.org_kubecontrollersconfigurations.yaml). */
export const KUBE_CONTROLLERS_CONFIGURATION_SPEC: Shape<Record<string, unknown>> = looseObj({
  "controllers": looseObj({
    "loadBalancer": looseObj({
      "assignIPs": enumOf(["AllServices", "RequestedServicesOnly"]),
    }),
    "namespace": looseObj({
      "reconcilerPeriod": str(),
    }),
    "node": looseObj({
      "hostEndpoint": looseObj({
        "autoCreate": enumOf(["Enabled", "Disabled"]),
        "createDefaultHostEndpoint": str(),
        "templates": arr(looseObj({
          "generateName": str({ maxLength: 253 }),
          "interfaceCIDRs": arr(str()),
          "interfacePattern": str(),
          "labels": map(str()),
          "nodeSelector": str(),
        })),
      }),
      "leakGracePeriod": str(),
      "reconcilerPeriod": str(),
      "syncLabels": enumOf(["Enabled", "Disabled"]),
    }),
    "policy": looseObj({
      "reconcilerPeriod": str(),
    }),
    "policyMigration": looseObj({
      "enabled": enumOf(["Disabled", "Enabled"]),
    }),
    "serviceAccount": looseObj({
      "reconcilerPeriod": str(),
    }),
    "workloadEndpoint": looseObj({
      "reconcilerPeriod": str(),
    }),
  }),
  "debugProfilePort": int({ min: 0, max: 65535 }),
  "etcdV3CompactionPeriod": str(),
  "healthChecks": enumOf(["Enabled", "Disabled"]),
  "logSeverityScreen": enumOf(["None", "Debug", "Info", "Warning", "Error", "Fatal", "Panic"]),
  "prometheusMetricsPort": int({ min: 0, max: 65535 }),
}, { required: ["controllers"] });

/** `spec` of Installation (operator.tigera.io_installations.yaml). */
export const INSTALLATION_SPEC: Shape<Record<string, unknown>> = looseObj({
  "azure": looseObj({
    "policyMode": enumOf(["Default", "Manual"]),
  }),
  "calicoKubeControllersDeployment": any() /* large subtree (pod template overrides): names and types not modelled */,
  "calicoNetwork": looseObj({
    "bgp": enumOf(["Enabled", "Disabled"]),
    "bpfNetworkBootstrap": enumOf(["Disabled", "Enabled"]),
    "clusterRoutingMode": enumOf(["BIRD", "Felix"]),
    "containerIPForwarding": enumOf(["Enabled", "Disabled"]),
    "hostPorts": enumOf(["Enabled", "Disabled"]),
    "ipPools": arr(looseObj({
      "allowedUses": arr(str()),
      "assignmentMode": str(),
      "blockSize": int(),
      "cidr": str(),
      "disableBGPExport": bool(),
      "disableNewAllocations": bool(),
      "encapsulation": enumOf(["IPIPCrossSubnet", "IPIP", "VXLAN", "VXLANCrossSubnet", "None"]),
      "name": str(),
      "natOutgoing": enumOf(["Enabled", "Disabled"]),
      "nodeSelector": str(),
    }, { required: ["cidr"] }), { maxItems: 25 }),
    "kubeProxyManagement": enumOf(["Disabled", "Enabled"]),
    "linuxDataplane": enumOf(["Iptables", "BPF", "VPP", "Nftables"]),
    "linuxPolicySetupTimeoutSeconds": int(),
    "mtu": int(),
    "multiInterfaceMode": enumOf(["None", "Multus"]),
    "nodeAddressAutodetectionV4": looseObj({
      "canReach": str(),
      "cidrs": arr(str()),
      "firstFound": bool(),
      "interface": str(),
      "kubernetes": enumOf(["NodeInternalIP"]),
      "skipInterface": str(),
    }),
    "nodeAddressAutodetectionV6": looseObj({
      "canReach": str(),
      "cidrs": arr(str()),
      "firstFound": bool(),
      "interface": str(),
      "kubernetes": enumOf(["NodeInternalIP"]),
      "skipInterface": str(),
    }),
    "sysctl": arr(looseObj({
      "key": enumOf(["net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_keepalive_time"]),
      "value": str(),
    }, { required: ["key", "value"] })),
    "windowsDataplane": enumOf(["HNS", "Disabled"]),
  }),
  "calicoNodeDaemonSet": any() /* large subtree (pod template overrides): names and types not modelled */,
  "calicoNodeWindowsDaemonSet": any() /* large subtree (pod template overrides): names and types not modelled */,
  "calicoWindowsUpgradeDaemonSet": any() /* large subtree (pod template overrides): names and types not modelled */,
  "certificateManagement": looseObj({
    "caCert": str(),
    "keyAlgorithm": enumOf(["", "RSAWithSize2048", "RSAWithSize4096", "RSAWithSize8192", "ECDSAWithCurve256", "ECDSAWithCurve384", "ECDSAWithCurve521"]),
    "signatureAlgorithm": enumOf(["", "SHA256WithRSA", "SHA384WithRSA", "SHA512WithRSA", "ECDSAWithSHA256", "ECDSAWithSHA384", "ECDSAWithSHA512"]),
    "signerName": str(),
  }, { required: ["caCert", "signerName"] }),
  "cni": looseObj({
    "binDir": str(),
    "confDir": str(),
    "ipam": looseObj({
      "type": enumOf(["Calico", "HostLocal", "AmazonVPC", "AzureVNET"]),
    }, { required: ["type"] }),
    "type": enumOf(["Calico", "GKE", "AmazonVPC", "AzureVNET"]),
  }, { required: ["type"] }),
  "componentResources": arr(looseObj({
    "componentName": enumOf(["Node", "Typha", "KubeControllers", "NodeWindows", "FelixWindows", "ConfdWindows"]),
    "resourceRequirements": looseObj({
      "claims": arr(looseObj({
        "name": str(),
        "request": str(),
      }, { required: ["name"] })),
      "limits": map(intOrStr()),
      "requests": map(intOrStr()),
    }),
  }, { required: ["componentName", "resourceRequirements"] })),
  "controlPlaneNodeSelector": map(str()),
  "controlPlaneReplicas": int(),
  "controlPlaneTolerations": arr(looseObj({
    "effect": str(),
    "key": str(),
    "operator": str(),
    "tolerationSeconds": int(),
    "value": str(),
  })),
  "csiNodeDriverDaemonSet": any() /* large subtree (pod template overrides): names and types not modelled */,
  "fipsMode": enumOf(["Enabled", "Disabled"]),
  "flexVolumePath": str(),
  "imagePath": str(),
  "imagePrefix": str(),
  "imagePullSecrets": arr(looseObj({
    "name": str(),
  })),
  "kubeletVolumePluginPath": str(),
  "kubernetesProvider": enumOf(["", "EKS", "GKE", "AKS", "OpenShift", "DockerEnterprise", "RKE2", "TKG", "Kind"]),
  "logging": looseObj({
    "cni": looseObj({
      "logFileMaxAgeDays": int(),
      "logFileMaxCount": int(),
      "logFileMaxSize": intOrStr(),
      "logSeverity": enumOf(["Error", "Warning", "Info", "Debug"]),
    }),
  }),
  "nodeMetricsPort": int(),
  "nodeUpdateStrategy": looseObj({
    "rollingUpdate": looseObj({
      "maxSurge": intOrStr(),
      "maxUnavailable": intOrStr(),
    }),
    "type": str(),
  }),
  "nonPrivileged": str(),
  "proxy": looseObj({
    "httpProxy": str(),
    "httpsProxy": str(),
    "noProxy": str(),
  }),
  "registry": str(),
  "serviceCIDRs": arr(str()),
  "tlsCipherSuites": arr(looseObj({
    "name": enumOf(["TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256", "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"]),
  })),
  "typhaAffinity": looseObj({
    "nodeAffinity": looseObj({
      "preferredDuringSchedulingIgnoredDuringExecution": arr(looseObj({
        "preference": looseObj({
          "matchExpressions": arr(looseObj({
            "key": str(),
            "operator": str(),
            "values": arr(str()),
          }, { required: ["key", "operator"] })),
          "matchFields": arr(looseObj({
            "key": str(),
            "operator": str(),
            "values": arr(str()),
          }, { required: ["key", "operator"] })),
        }),
        "weight": int(),
      }, { required: ["preference", "weight"] })),
      "requiredDuringSchedulingIgnoredDuringExecution": looseObj({
        "nodeSelectorTerms": arr(looseObj({
          "matchExpressions": arr(looseObj({
            "key": str(),
            "operator": str(),
            "values": arr(str()),
          }, { required: ["key", "operator"] })),
          "matchFields": arr(looseObj({
            "key": str(),
            "operator": str(),
            "values": arr(str()),
          }, { required: ["key", "operator"] })),
        })),
      }, { required: ["nodeSelectorTerms"] }),
    }),
  }),
  "typhaDeployment": any() /* large subtree (pod template overrides): names and types not modelled */,
  "typhaMetricsPort": int(),
  "variant": enumOf(["Calico", "TigeraSecureEnterprise"]),
  "windowsNodes": looseObj({
    "cniBinDir": str(),
    "cniConfigDir": str(),
    "cniLogDir": str(),
    "vxlanAdapter": str(),
    "vxlanMACPrefix": str({ pattern: "^[0-9A-Fa-f]{2}-[0-9A-Fa-f]{2}$" }),
  }),
});

/** `spec` of APIServer (operator.tigera.io_apiservers.yaml). */
export const API_SERVER_SPEC: Shape<Record<string, unknown>> = looseObj({
  "apiServerDeployment": any() /* large subtree (pod template overrides): names and types not modelled */,
  "calicoWebhooksDeployment": any() /* large subtree (pod template overrides): names and types not modelled */,
  "logging": looseObj({
    "apiServer": looseObj({
      "logSeverity": enumOf(["Fatal", "Error", "Warn", "Info", "Debug", "Trace"]),
    }),
    "queryServer": looseObj({
      "logSeverity": enumOf(["Fatal", "Error", "Warn", "Info", "Debug", "Trace"]),
    }),
  }),
});

/** `spec` of Goldmane (operator.tigera.io_goldmanes.yaml). */
export const GOLDMANE_SPEC: Shape<Record<string, unknown>> = looseObj({
  "goldmaneDeployment": any() /* large subtree (pod template overrides): names and types not modelled */,
  "metricsPort": int(),
});

/** `spec` of Whisker (operator.tigera.io_whiskers.yaml). */
export const WHISKER_SPEC: Shape<Record<string, unknown>> = looseObj({
  "notifications": str(),
  "whiskerDeployment": any() /* large subtree (pod template overrides): names and types not modelled */,
});

/** `spec` of IPPool (projectcalico.org_ippools.yaml). */
export const IP_POOL_SPEC: Shape<Record<string, unknown>> = looseObj({
  "allowedUses": arr(enumOf(["Workload", "Tunnel", "LoadBalancer"]), { maxItems: 10 }),
  "assignmentMode": enumOf(["Automatic", "Manual"]),
  "blockSize": int({ min: 0, max: 128 }),
  "cidr": str({ maxLength: 48 }),
  "disableBGPExport": bool(),
  "disabled": bool(),
  "ipipMode": enumOf(["Never", "Always", "CrossSubnet"]),
  "namespaceSelector": str(),
  "natOutgoing": bool(),
  "nodeSelector": str(),
  "vxlanMode": enumOf(["Never", "Always", "CrossSubnet"]),
}, { required: ["cidr"] });

/** `spec` of BGPPeer (projectcalico.org_bgppeers.yaml). */
export const BGP_PEER_SPEC: Shape<Record<string, unknown>> = looseObj({
  "asNumber": int(),
  "filters": arr(str()),
  "keepOriginalNextHop": bool(),
  "keepaliveTime": str(),
  "localASNumber": int(),
  "localWorkloadSelector": str({ maxLength: 4096 }),
  "maxRestartTime": str(),
  "nextHopMode": enumOf(["Auto", "Self", "Keep"]),
  "node": str({ maxLength: 253 }),
  "nodeSelector": str({ maxLength: 4096 }),
  "numAllowedLocalASNumbers": int(),
  "password": looseObj({
    "secretKeyRef": looseObj({
      "key": str(),
      "name": str(),
      "optional": bool(),
    }, { required: ["key"] }),
  }),
  "peerIP": str({ maxLength: 64 }),
  "peerSelector": str({ maxLength: 4096 }),
  "reachableBy": str(),
  // CRD: allOf of two identical enums (the shape generator read only a plain enum).
  "reversePeering": enumOf(["Auto", "Manual"]),
  "sourceAddress": enumOf(["UseNodeIP", "None"]),
  "ttlSecurity": int(),
});

/** `spec` of BGPConfiguration (projectcalico.org_bgpconfigurations.yaml). */
export const BGP_CONFIGURATION_SPEC: Shape<Record<string, unknown>> = looseObj({
  "asNumber": int(),
  "bindMode": enumOf(["None", "NodeIP"]),
  "communities": arr(looseObj({
    "name": str(),
    "value": str({ pattern: "^(\\d+):(\\d+)$|^(\\d+):(\\d+):(\\d+)$" }),
  })),
  "ignoredInterfaces": arr(str()),
  "ipv4NormalRoutePriority": int({ min: 1, max: 2147483646 }),
  "ipv6NormalRoutePriority": int({ min: 1, max: 2147483646 }),
  "listenPort": int({ min: 1, max: 65535 }),
  "localWorkloadPeeringIPV4": str(),
  "localWorkloadPeeringIPV6": str(),
  "logSeverityScreen": str({ pattern: "^(?i)(Trace|Debug|Info|Warning|Error|Fatal)?$" }),
  "nodeMeshMaxRestartTime": str(),
  "nodeMeshPassword": looseObj({
    "secretKeyRef": looseObj({
      "key": str(),
      "name": str(),
      "optional": bool(),
    }, { required: ["key"] }),
  }),
  "nodeToNodeMeshEnabled": bool(),
  "prefixAdvertisements": arr(looseObj({
    "cidr": str(),
    "communities": arr(str()),
  })),
  "programClusterRoutes": enumOf(["Enabled", "Disabled"]),
  "serviceClusterIPs": arr(looseObj({
    "cidr": str(),
  })),
  "serviceExternalIPs": arr(looseObj({
    "cidr": str(),
  })),
  "serviceLoadBalancerAggregation": enumOf(["Enabled", "Disabled"]),
  "serviceLoadBalancerIPs": arr(looseObj({
    "cidr": str(),
  })),
});

/** `spec` of BGPFilter (projectcalico.org_bgpfilters.yaml). */
export const BGP_FILTER_SPEC: Shape<Record<string, unknown>> = looseObj({
  "exportV4": arr(looseObj({
    "action": enumOf(["Accept", "Reject"]),
    "asPathPrefix": arr(int()),
    "cidr": str({ maxLength: 18 }),
    "communities": looseObj({
      "values": arr(str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }), { minItems: 1, maxItems: 1 }),
    }, { required: ["values"] }),
    "interface": str(),
    "matchOperator": enumOf(["Equal", "NotEqual", "In", "NotIn"]),
    "operations": arr(looseObj({
      "addCommunity": looseObj({
        "value": str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }),
      }, { required: ["value"] }),
      "prependASPath": looseObj({
        "prefix": arr(int(), { minItems: 1, maxItems: 10 }),
      }, { required: ["prefix"] }),
      "setPriority": looseObj({
        "value": int({ min: 1, max: 2147483646 }),
      }, { required: ["value"] }),
    }), { minItems: 1, maxItems: 10 }),
    "peerType": enumOf(["eBGP", "iBGP"]),
    "prefixLength": looseObj({
      "max": int({ min: 0, max: 32 }),
      "min": int({ min: 0, max: 32 }),
    }),
    "priority": int({ min: 1, max: 2147483646 }),
    "source": enumOf(["RemotePeers"]),
  }, { required: ["action"] })),
  "exportV6": arr(looseObj({
    "action": enumOf(["Accept", "Reject"]),
    "asPathPrefix": arr(int()),
    "cidr": str({ maxLength: 43 }),
    "communities": looseObj({
      "values": arr(str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }), { minItems: 1, maxItems: 1 }),
    }, { required: ["values"] }),
    "interface": str(),
    "matchOperator": enumOf(["Equal", "NotEqual", "In", "NotIn"]),
    "operations": arr(looseObj({
      "addCommunity": looseObj({
        "value": str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }),
      }, { required: ["value"] }),
      "prependASPath": looseObj({
        "prefix": arr(int(), { minItems: 1, maxItems: 10 }),
      }, { required: ["prefix"] }),
      "setPriority": looseObj({
        "value": int({ min: 1, max: 2147483646 }),
      }, { required: ["value"] }),
    }), { minItems: 1, maxItems: 10 }),
    "peerType": enumOf(["eBGP", "iBGP"]),
    "prefixLength": looseObj({
      "max": int({ min: 0, max: 128 }),
      "min": int({ min: 0, max: 128 }),
    }),
    "priority": int({ min: 1, max: 2147483646 }),
    "source": enumOf(["RemotePeers"]),
  }, { required: ["action"] })),
  "importV4": arr(looseObj({
    "action": enumOf(["Accept", "Reject"]),
    "asPathPrefix": arr(int()),
    "cidr": str({ maxLength: 18 }),
    "communities": looseObj({
      "values": arr(str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }), { minItems: 1, maxItems: 1 }),
    }, { required: ["values"] }),
    "interface": str(),
    "matchOperator": enumOf(["Equal", "NotEqual", "In", "NotIn"]),
    "operations": arr(looseObj({
      "addCommunity": looseObj({
        "value": str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }),
      }, { required: ["value"] }),
      "prependASPath": looseObj({
        "prefix": arr(int(), { minItems: 1, maxItems: 10 }),
      }, { required: ["prefix"] }),
      "setPriority": looseObj({
        "value": int({ min: 1, max: 2147483646 }),
      }, { required: ["value"] }),
    }), { minItems: 1, maxItems: 10 }),
    "peerType": enumOf(["eBGP", "iBGP"]),
    "prefixLength": looseObj({
      "max": int({ min: 0, max: 32 }),
      "min": int({ min: 0, max: 32 }),
    }),
    "priority": int({ min: 1, max: 2147483646 }),
    "source": enumOf(["RemotePeers"]),
  }, { required: ["action"] })),
  "importV6": arr(looseObj({
    "action": enumOf(["Accept", "Reject"]),
    "asPathPrefix": arr(int()),
    "cidr": str({ maxLength: 43 }),
    "communities": looseObj({
      "values": arr(str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }), { minItems: 1, maxItems: 1 }),
    }, { required: ["values"] }),
    "interface": str(),
    "matchOperator": enumOf(["Equal", "NotEqual", "In", "NotIn"]),
    "operations": arr(looseObj({
      "addCommunity": looseObj({
        "value": str({ maxLength: 32, pattern: "^(([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]):([0-9]|[1-9][0-9]{1,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])|([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]):([0-9]|[1-9][0-9]{1,8}|[1-3][0-9]{9}|4[0-1][0-9]{8}|42[0-8][0-9]{7}|429[0-3][0-9]{6}|4294[0-8][0-9]{5}|42949[0-5][0-9]{4}|429496[0-6][0-9]{3}|4294967[0-1][0-9]{2}|42949672[0-8][0-9]|429496729[0-5]))$" }),
      }, { required: ["value"] }),
      "prependASPath": looseObj({
        "prefix": arr(int(), { minItems: 1, maxItems: 10 }),
      }, { required: ["prefix"] }),
      "setPriority": looseObj({
        "value": int({ min: 1, max: 2147483646 }),
      }, { required: ["value"] }),
    }), { minItems: 1, maxItems: 10 }),
    "peerType": enumOf(["eBGP", "iBGP"]),
    "prefixLength": looseObj({
      "max": int({ min: 0, max: 128 }),
      "min": int({ min: 0, max: 128 }),
    }),
    "priority": int({ min: 1, max: 2147483646 }),
    "source": enumOf(["RemotePeers"]),
  }, { required: ["action"] })),
});
