// The "what is my IP" sites scripts curl to see their egress address, and the page each one answers with.

/** Host names whose page echoes the caller's public IP. */
export const IP_ECHO_HOSTS = ['myip.ipip.net', 'ifconfig.me', 'ipinfo.io', 'api.ipify.org', 'icanhazip.com', 'ipv4.icanhazip.com', 'checkip.amazonaws.com'];

const REGION_LOCATION: Record<string, string> = {
  'cn-hangzhou': '中国 浙江 杭州', 'cn-shanghai': '中国 上海 上海', 'cn-beijing': '中国 北京 北京', 'cn-shenzhen': '中国 广东 深圳',
  'cn-qingdao': '中国 山东 青岛', 'cn-zhangjiakou': '中国 河北 张家口', 'cn-hongkong': '中国 香港',
};

export function echoPage(host: string, path: string, ip: string, regionId: string): string {
  if (host === 'myip.ipip.net') return `当前 IP：${ip}  来自于：${REGION_LOCATION[regionId] ?? '中国'}  阿里云\n`;
  if (host === 'ipinfo.io' && !path.startsWith('/ip')) return `{\n  "ip": "${ip}",\n  "org": "AS37963 Hangzhou Alibaba Advertising Co.,Ltd."\n}`;
  return `${ip}\n`;
}
